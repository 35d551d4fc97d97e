package io.optiflow.lb.algorithms.roundrobin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.spi.ConfigAttribute;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinProviderTest {

    private final RoundRobinProvider provider = new RoundRobinProvider();

    @Test
    void provider_metadata_stableNamePriorityFiveAndDescribed() {
        assertEquals("round-robin", provider.name());
        assertEquals(5, provider.priority());
        assertTrue(provider.isAvailable());
        assertFalse(provider.description().isBlank());
    }

    @Test
    void schema_randomStart_booleanDefaultTrue() {
        ConfigAttribute a = provider.configSchema().attribute("random-start");
        assertEquals(ConfigType.BOOLEAN, a.type());
        assertEquals("true", a.defaultValue());
        assertEquals(1, provider.configSchema().attributes().size());
    }

    @Test
    void parseConfig_empty_defaults() {
        assertEquals(new RoundRobinConfig(true), provider.parseConfig(Map.of()).config());
        assertEquals(new RoundRobinConfig(true), provider.parseConfig(null).config());
    }

    @Test
    void parseConfig_validValues_parsed() {
        assertEquals(new RoundRobinConfig(false), provider.parseConfig(Map.of("random-start", "false")).config());
        assertEquals(new RoundRobinConfig(true), provider.parseConfig(Map.of("random-start", " true ")).config());
    }

    @Test
    void parseConfig_randomStartNotABoolean_errorNamesKeyValueAndExpectation() {
        ConfigResult<RoundRobinConfig> r = provider.parseConfig(Map.of("random-start", "yes"));
        assertEquals(List.of("random-start: 'yes' (expected: true or false)"), r.errors());
    }

    @Test
    void parseConfig_unknownKey_errorListsTheKnownKeys() {
        ConfigResult<RoundRobinConfig> r = provider.parseConfig(Map.of("weights", "1"));
        assertEquals(List.of("weights: unknown attribute (expected: one of random-start)"), r.errors());
    }
}
