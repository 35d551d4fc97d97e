package io.optiflow.lb.algorithms.consistenthash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.optiflow.lb.api.spi.ConfigResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsistentHashProviderTest {

    private final ConsistentHashProvider provider = new ConsistentHashProvider();

    private List<String> errors(String key, String value) {
        ConfigResult<ConsistentHashConfig> r = provider.parseConfig(Map.of(key, value));
        assertFalse(r.isValid(), () -> key + "=" + value + " should be invalid");
        return r.errors();
    }

    @Test
    void name_isConsistentHash() {
        assertEquals("consistent-hash", provider.name());
    }

    @Test
    void parseConfig_empty_defaults() {
        assertEquals(new ConsistentHashConfig(160, 1.25, 262_144), provider.parseConfig(Map.of()).config());
    }

    @Test
    void parseConfig_validValues_typed() {
        ConsistentHashConfig c = provider.parseConfig(
                Map.of("replicas", "40", "load-factor", "2.5", "max-ring-size", "1024")).config();
        assertEquals(new ConsistentHashConfig(40, 2.5, 1024), c);
        assertEquals(2500L, c.loadFactorMillis());
    }

    @Test
    void parseConfig_replicasZero_errorNamesKeyValueAndRange() {
        assertEquals(List.of("replicas: '0' (expected: an integer from 1 to 1024)"), errors("replicas", "0"));
    }

    @Test
    void parseConfig_replicasTooMany_errorNamesKeyValueAndRange() {
        assertEquals(List.of("replicas: '1025' (expected: an integer from 1 to 1024)"), errors("replicas", "1025"));
    }

    @Test
    void parseConfig_replicasNotANumber_errorNamesKeyValueAndRange() {
        assertEquals(List.of("replicas: 'many' (expected: an integer from 1 to 1024)"), errors("replicas", "many"));
    }

    @Test
    void parseConfig_loadFactorBelowOne_errorNamesKeyValueAndRange() {
        assertEquals(List.of("load-factor: '0.9' (expected: a number from 1 to 100)"), errors("load-factor", "0.9"));
    }

    @Test
    void parseConfig_loadFactorNaN_errorNamesKeyValueAndRange() {
        assertEquals(List.of("load-factor: 'NaN' (expected: a number from 1 to 100)"), errors("load-factor", "NaN"));
    }

    @Test
    void parseConfig_maxRingSizeTooSmall_errorNamesKeyValueAndRange() {
        assertEquals(List.of("max-ring-size: '1000' (expected: an integer from 1024 to 8388608)"),
                errors("max-ring-size", "1000"));
    }

    @Test
    void parseConfig_unknownKey_errorListsTheKnownOnes() {
        assertEquals(List.of("vnodes: unknown attribute (expected: one of replicas, load-factor, max-ring-size)"),
                errors("vnodes", "100"));
    }

    @Test
    void parseConfig_severalBadValues_allReportedAtOnce() {
        ConfigResult<ConsistentHashConfig> r = provider.parseConfig(Map.of("replicas", "-1", "load-factor", "x"));
        assertEquals(List.of("replicas: '-1' (expected: an integer from 1 to 1024)",
                "load-factor: 'x' (expected: a number from 1 to 100)"), r.errors());
    }
}
