package io.optiflow.lb.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {

    private static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .intAttribute("choices", 2, 2, 16, "How many to compare.")
            .doubleAttribute("penalty", 1.5, 1.0, 100.0, "Failure penalty.")
            .durationAttribute("decay", "10s", "1ms", "1h", "Decay time.")
            .booleanAttribute("sticky", false, "Stick.")
            .enumAttribute("mode", "fast", List.of("fast", "fair"), "Mode.")
            .stringAttribute("header", null, "Optional header.")
            .build();

    @Test
    void parse_empty_givesDefaults() {
        ConfigValues v = SCHEMA.parse(Map.of()).config();
        assertEquals(2, v.getInt("choices"));
        assertEquals(1.5, v.getDouble("penalty"));
        assertEquals(10_000_000_000L, v.getDurationNanos("decay"));
        assertFalse(v.getBoolean("sticky"));
        assertEquals("fast", v.getString("mode"));
        assertFalse(v.has("header"));
    }

    @Test
    void parse_validValues_typed() {
        ConfigValues v = SCHEMA.parse(Map.of("choices", "16", "decay", "250ms", "sticky", "true",
                "mode", "fair", "header", "X-User")).config();
        assertEquals(16, v.getInt("choices"));
        assertEquals(250_000_000L, v.getDurationNanos("decay"));
        assertTrue(v.getBoolean("sticky"));
        assertEquals("fair", v.getString("mode"));
        assertEquals("X-User", v.getString("header"));
    }

    @Test
    void parse_badValues_everyErrorNamesKeyValueAndExpectation() {
        ConfigResult<ConfigValues> r = SCHEMA.parse(Map.of("choices", "1", "penalty", "abc", "decay", "2h",
                "sticky", "yes", "mode", "slow", "colour", "red"));
        assertFalse(r.isValid());
        assertEquals(List.of(
                "colour: unknown attribute (expected: one of choices, penalty, decay, sticky, mode, header)",
                "choices: '1' (expected: an integer from 2 to 16)",
                "penalty: 'abc' (expected: a number from 1 to 100)",
                "decay: '2h' (expected: a duration such as 250ms or 10s from 1ms to 1h)",
                "sticky: 'yes' (expected: true or false)",
                "mode: 'slow' (expected: one of fast, fair)"), r.errors());
        assertThrows(IllegalStateException.class, r::config);
    }

    @Test
    void empty_anyKey_isAnError() {
        assertEquals(List.of("x: unknown attribute (expected: no attributes)"),
                ConfigSchema.empty().parse(Map.of("x", "1")).errors());
        assertTrue(ConfigSchema.empty().parse(null).isValid());
    }

    @Test
    void builder_invalidDefault_rejectedAtDeclaration() {
        assertThrows(IllegalArgumentException.class,
                () -> ConfigSchema.builder().intAttribute("n", 0, 1, 5, "n").build());
    }

    @Test
    void durations_roundTrip() {
        assertEquals(1_500_000_000L, Durations.parseNanos("1.5s"));
        assertEquals("250ms", Durations.format(250_000_000L));
        assertEquals("2m", Durations.format(120_000_000_000L));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("10 parsecs"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("-1s"));
    }

    @Test
    void configResult_flatMap_passesErrorsThrough() {
        ConfigResult<Integer> bad = ConfigResult.invalid("x: bad");
        assertEquals(List.of("x: bad"), bad.map(i -> i + 1).errors());
        assertEquals(3, ConfigResult.valid(2).flatMap(i -> ConfigResult.valid(i + 1)).config());
    }
}
