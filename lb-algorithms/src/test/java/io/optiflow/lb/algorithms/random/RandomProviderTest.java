package io.optiflow.lb.algorithms.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.spi.ConfigAttribute;
import io.optiflow.lb.api.spi.ConfigType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomProviderTest {

    private final RandomProvider provider = new RandomProvider();

    @Test
    void provider_metadata_stableNamePriorityFiveAndDescribed() {
        assertEquals("random", provider.name());
        assertEquals(5, provider.priority());
        assertTrue(provider.isAvailable());
        assertFalse(provider.description().isBlank());
    }

    @Test
    void schema_respectWeights_booleanDefaultTrue() {
        ConfigAttribute a = provider.configSchema().attribute("respect-weights");
        assertEquals(ConfigType.BOOLEAN, a.type());
        assertEquals("true", a.defaultValue());
        assertEquals(1, provider.configSchema().attributes().size());
    }

    @Test
    void parseConfig_empty_defaults() {
        assertEquals(new RandomConfig(true), provider.parseConfig(Map.of()).config());
    }

    @Test
    void parseConfig_validValues_parsed() {
        assertEquals(new RandomConfig(false), provider.parseConfig(Map.of("respect-weights", "false")).config());
        assertEquals(new RandomConfig(true), provider.parseConfig(Map.of("respect-weights", "true")).config());
    }

    @Test
    void parseConfig_respectWeightsNotABoolean_errorNamesKeyValueAndExpectation() {
        assertEquals(List.of("respect-weights: '' (expected: true or false)"),
                provider.parseConfig(Map.of("respect-weights", "")).errors());
    }

    @Test
    void parseConfig_unknownKey_errorListsTheKnownKeys() {
        assertEquals(List.of("seed: unknown attribute (expected: one of respect-weights)"),
                provider.parseConfig(Map.of("seed", "42")).errors());
    }
}
