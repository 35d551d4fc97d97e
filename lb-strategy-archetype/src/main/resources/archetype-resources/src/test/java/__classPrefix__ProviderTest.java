package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config parsing: the defaults, valid values typed, and the exact message of each value out of range. */
class ${classPrefix}ProviderTest {

    private final ${classPrefix}Provider provider = new ${classPrefix}Provider();

    @Test
    void parseConfig_empty_defaults() {
        assertEquals(new ${classPrefix}Config(5_000_000_000L, 0.05), provider.parseConfig(Map.of()).config());
    }

    @Test
    void parseConfig_validValues_typed() {
        assertEquals(new ${classPrefix}Config(250_000_000L, 0.5),
                provider.parseConfig(Map.of("failure-backoff", "250ms", "probe", "0.5")).config());
    }

    @Test
    void parseConfig_probeAboveOne_errorNamesKeyValueAndRange() {
        assertEquals(List.of("probe: '2' (expected: a number from 0 to 1)"),
                provider.parseConfig(Map.of("probe", "2")).errors());
    }

    @Test
    void parseConfig_backoffTooLong_errorNamesKeyValueAndRange() {
        assertEquals(List.of("failure-backoff: '1h' (expected: a duration such as 250ms or 10s from 0ns to 10m)"),
                provider.parseConfig(Map.of("failure-backoff", "1h")).errors());
    }

    @Test
    void parseConfig_unknownKey_errorListsTheKnownOnes() {
        assertEquals(List.of("colour: unknown attribute (expected: one of failure-backoff, probe)"),
                provider.parseConfig(Map.of("colour", "red")).errors());
    }

    @Test
    void name_isTheReleasedName() {
        assertEquals("${strategyName}", provider.name());
    }
}
