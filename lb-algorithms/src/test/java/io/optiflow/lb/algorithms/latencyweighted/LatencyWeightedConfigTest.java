package io.optiflow.lb.algorithms.latencyweighted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.spi.ConfigResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatencyWeightedConfigTest {

    private final LatencyWeightedProvider provider = new LatencyWeightedProvider();

    @Test
    void parseConfig_empty_defaults() {
        LatencyWeightedConfig c = provider.parseConfig(Map.of()).config();
        assertEquals(new LatencyWeightedConfig(2_000_000_000L, 30_000_000L, 1_000_000_000L, 0.0, 10, 0.0, 5.0,
                5_000_000L, 250_000_000L), c);
    }

    @Test
    void parseConfig_everyKeyGiven_typedValues() {
        ConfigResult<LatencyWeightedConfig> r = provider.parseConfig(Map.of("decay", "2s", "default-rtt", "5ms",
                "failure-penalty", "250ms", "rate-limit", "12.5", "burst", "3", "exploration", "0.01",
                "slow-ratio", "3", "slow-margin", "2ms", "probe-interval", "1s"));
        assertEquals(new LatencyWeightedConfig(2_000_000_000L, 5_000_000L, 250_000_000L, 12.5, 3, 0.01, 3.0,
                2_000_000L, 1_000_000_000L), r.config());
    }

    @Test
    void parseConfig_boundsInclusive_valid() {
        assertTrue(provider.parseConfig(Map.of("decay", "10ms", "default-rtt", "1us", "failure-penalty", "0ns",
                "rate-limit", "0", "burst", "1", "exploration", "0", "slow-ratio", "0", "slow-margin", "0ns",
                "probe-interval", "1ms")).isValid());
        assertTrue(provider.parseConfig(Map.of("decay", "10m", "default-rtt", "1m", "failure-penalty", "1h",
                "rate-limit", "1000000000", "burst", "1000000", "exploration", "0.5", "slow-ratio", "1000",
                "slow-margin", "1h", "probe-interval", "1h")).isValid());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "decay|9ms|decay: '9ms' (expected: a duration such as 250ms or 10s from 10ms to 10m)",
        "decay|11m|decay: '11m' (expected: a duration such as 250ms or 10s from 10ms to 10m)",
        "decay|soon|decay: 'soon' (expected: a duration such as 250ms or 10s from 10ms to 10m)",
        "default-rtt|0ms|default-rtt: '0ms' (expected: a duration such as 250ms or 10s from 1us to 1m)",
        "default-rtt|2m|default-rtt: '2m' (expected: a duration such as 250ms or 10s from 1us to 1m)",
        "failure-penalty|2h|failure-penalty: '2h' (expected: a duration such as 250ms or 10s from 0ns to 1h)",
        "failure-penalty|-1s|failure-penalty: '-1s' (expected: a duration such as 250ms or 10s from 0ns to 1h)",
        "rate-limit|-1|rate-limit: '-1' (expected: a number from 0 to 1000000000)",
        "rate-limit|NaN|rate-limit: 'NaN' (expected: a number from 0 to 1000000000)",
        "burst|0|burst: '0' (expected: an integer from 1 to 1000000)",
        "burst|2.5|burst: '2.5' (expected: an integer from 1 to 1000000)",
        "exploration|0.6|exploration: '0.6' (expected: a number from 0 to 0.5)",
        "exploration|-0.1|exploration: '-0.1' (expected: a number from 0 to 0.5)",
        "slow-ratio|-1|slow-ratio: '-1' (expected: a number from 0 to 1000)",
        "slow-margin|-1ms|slow-margin: '-1ms' (expected: a duration such as 250ms or 10s from 0ns to 1h)",
        "probe-interval|0ms|probe-interval: '0ms' (expected: a duration such as 250ms or 10s from 1ms to 1h)",
    })
    void parseConfig_badValue_errorNamesKeyValueAndExpectation(String key, String value, String message) {
        ConfigResult<LatencyWeightedConfig> r = provider.parseConfig(Map.of(key, value));
        assertFalse(r.isValid());
        assertEquals(List.of(message), r.errors());
    }

    @Test
    void parseConfig_twoBadValues_bothReported() {
        ConfigResult<LatencyWeightedConfig> r = provider.parseConfig(Map.of("burst", "0", "exploration", "1"));
        assertEquals(List.of("burst: '0' (expected: an integer from 1 to 1000000)",
                "exploration: '1' (expected: a number from 0 to 0.5)"), r.errors());
    }

    @Test
    void parseConfig_unknownKey_errorListsTheKnownOnes() {
        ConfigResult<LatencyWeightedConfig> r = provider.parseConfig(Map.of("choices", "3"));
        assertEquals(List.of("choices: unknown attribute (expected: one of decay, default-rtt, failure-penalty, "
                + "rate-limit, burst, exploration, slow-ratio, slow-margin, probe-interval)"), r.errors());
    }

    @Test
    void schema_everyAttributeHasDefault() {
        provider.configSchema().attributes().forEach(a ->
                assertTrue(a.defaultValue() != null, () -> a.name() + " has no default"));
        assertEquals("latency-weighted", provider.name());
    }
}
