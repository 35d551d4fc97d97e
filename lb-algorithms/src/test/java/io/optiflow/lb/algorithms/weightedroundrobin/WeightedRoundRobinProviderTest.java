package io.optiflow.lb.algorithms.weightedroundrobin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.spi.ConfigAttribute;
import io.optiflow.lb.api.spi.ConfigType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinProviderTest {

    private final WeightedRoundRobinProvider provider = new WeightedRoundRobinProvider();

    @Test
    void provider_metadata_stableNamePriorityFiveAndDescribed() {
        assertEquals("weighted-round-robin", provider.name());
        assertEquals(5, provider.priority());
        assertTrue(provider.isAvailable());
        assertFalse(provider.description().isBlank());
    }

    @Test
    void schema_attributes_typesAndDefaults() {
        ConfigAttribute maxCycle = provider.configSchema().attribute("max-cycle");
        assertEquals(ConfigType.INT, maxCycle.type());
        assertEquals("65536", maxCycle.defaultValue());
        assertEquals(1024.0, maxCycle.min());
        assertEquals(1048576.0, maxCycle.max());
        ConfigAttribute randomStart = provider.configSchema().attribute("random-start");
        assertEquals(ConfigType.BOOLEAN, randomStart.type());
        assertEquals("true", randomStart.defaultValue());
        assertEquals(2, provider.configSchema().attributes().size());
    }

    @Test
    void parseConfig_empty_defaults() {
        assertEquals(new WeightedRoundRobinConfig(65536, true), provider.parseConfig(Map.of()).config());
    }

    @Test
    void parseConfig_validValues_parsed() {
        assertEquals(new WeightedRoundRobinConfig(1024, false),
                provider.parseConfig(Map.of("max-cycle", "1024", "random-start", "false")).config());
        assertEquals(new WeightedRoundRobinConfig(1048576, true),
                provider.parseConfig(Map.of("max-cycle", "1048576")).config());
    }

    @Test
    void parseConfig_maxCycleOutOfRange_errorNamesKeyValueAndExpectation() {
        String expectation = " (expected: an integer from 1024 to 1048576)";
        assertEquals(List.of("max-cycle: '1023'" + expectation),
                provider.parseConfig(Map.of("max-cycle", "1023")).errors());
        assertEquals(List.of("max-cycle: '1048577'" + expectation),
                provider.parseConfig(Map.of("max-cycle", "1048577")).errors());
        assertEquals(List.of("max-cycle: 'lots'" + expectation),
                provider.parseConfig(Map.of("max-cycle", "lots")).errors());
        assertEquals(List.of("max-cycle: '2.5'" + expectation),
                provider.parseConfig(Map.of("max-cycle", "2.5")).errors());
    }

    @Test
    void parseConfig_randomStartNotABoolean_errorNamesKeyValueAndExpectation() {
        assertEquals(List.of("random-start: 'on' (expected: true or false)"),
                provider.parseConfig(Map.of("random-start", "on")).errors());
    }

    @Test
    void parseConfig_twoBadValues_bothReported() {
        assertEquals(List.of("max-cycle: '0' (expected: an integer from 1024 to 1048576)",
                        "random-start: 'maybe' (expected: true or false)"),
                provider.parseConfig(Map.of("max-cycle", "0", "random-start", "maybe")).errors());
    }

    @Test
    void parseConfig_unknownKey_errorListsTheKnownKeys() {
        assertEquals(List.of("weight: unknown attribute (expected: one of max-cycle, random-start)"),
                provider.parseConfig(Map.of("weight", "3")).errors());
    }
}
