package io.optiflow.lb.algorithms.poweroftwo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.spi.ConfigAttribute;
import io.optiflow.lb.api.spi.ConfigType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PowerOfTwoProviderTest {

    private final PowerOfTwoProvider provider = new PowerOfTwoProvider();

    @Test
    void provider_metadata_stableNamePriorityFiveAndDescribed() {
        assertEquals("power-of-two", provider.name());
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
        assertEquals(new PowerOfTwoConfig(true), provider.parseConfig(Map.of()).config());
    }

    @Test
    void parseConfig_validValues_parsed() {
        assertEquals(new PowerOfTwoConfig(false), provider.parseConfig(Map.of("respect-weights", "false")).config());
        assertEquals(new PowerOfTwoConfig(true), provider.parseConfig(Map.of("respect-weights", "true")).config());
    }

    @Test
    void parseConfig_respectWeightsNotABoolean_errorNamesKeyValueAndExpectation() {
        assertEquals(List.of("respect-weights: 'no' (expected: true or false)"),
                provider.parseConfig(Map.of("respect-weights", "no")).errors());
    }

    @Test
    void parseConfig_choicesGiven_unknownBecauseTheNameFixesTwo() {
        assertEquals(List.of("choices: unknown attribute (expected: one of respect-weights)"),
                provider.parseConfig(Map.of("choices", "3")).errors());
    }
}
