package io.optiflow.lb.algorithms.latencyweighted;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/** {@code latency-weighted}: power of two choices over peak-EWMA latency times in-flight requests. */
public final class LatencyWeightedProvider implements StrategyProvider<LatencyWeightedConfig> {

    /** The strategy's name; a contract, never changes. */
    public static final String NAME = "latency-weighted";

    static final String DECAY = "decay";
    static final String DEFAULT_RTT = "default-rtt";
    static final String FAILURE_PENALTY = "failure-penalty";
    static final String RATE_LIMIT = "rate-limit";
    static final String BURST = "burst";
    static final String EXPLORATION = "exploration";
    static final String SLOW_RATIO = "slow-ratio";
    static final String SLOW_MARGIN = "slow-margin";
    static final String PROBE_INTERVAL = "probe-interval";

    // Defaults tuned with the simulator in lb-bench (docs/simulation.md).
    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .durationAttribute(DECAY, "2s", "10ms", "10m", "Time constant of the latency average: a sample "
                    + "below the average moves it by 1 - exp(-elapsed/decay), and the estimate of an idle backend "
                    + "relaxes toward default-rtt at this pace. Shorter reacts faster and retries slow backends "
                    + "sooner; longer remembers a slow backend longer (below about 1s a backend that is always slow "
                    + "gets retried too often).")
            .durationAttribute(DEFAULT_RTT, "30ms", "1us", "1m", "Latency assumed for a backend with no sample "
                    + "yet; the estimate of an idle backend also relaxes toward it, so a backend that was slow "
                    + "once is tried again. A backend idle with no sample for longer than decay gets one probe "
                    + "request.")
            .durationAttribute(FAILURE_PENALTY, "1s", "0ns", "1h", "A failed request counts as a sample of at "
                    + "least this latency, so a backend that fails fast is not mistaken for a fast one. It is also "
                    + "the most that a request still waiting for its answer adds to its backend's estimate.")
            .doubleAttribute(RATE_LIMIT, 0.0, 0.0, 1_000_000_000.0, "Requests per second each backend may get "
                    + "(token bucket); a backend at its limit is skipped, and when every backend is, the request "
                    + "is rejected as rate limited. 0 turns the limit off.")
            .intAttribute(BURST, 10, 1, 1_000_000, "How many requests a backend may take at once above its "
                    + "rate-limit (the token bucket's capacity). Only used when rate-limit is above 0.")
            .doubleAttribute(EXPLORATION, 0.0, 0.0, 0.5, "Probability of sending a request to a uniformly "
                    + "random backend instead of the cheaper of two, to keep measuring every backend. 0 relies "
                    + "on the decay toward default-rtt alone.")
            .doubleAttribute(SLOW_RATIO, 5.0, 0.0, 1_000.0, "A backend whose typical latency (a plain average "
                    + "over decay) is above this many times the fastest backend's, and at least slow-margin above it, "
                    + "gets only probe requests: one at a time, when it has had no answer for probe-interval. It wins "
                    + "its share back once its probes come back fast. 0 turns the rule off (the cost alone decides).")
            .durationAttribute(SLOW_MARGIN, "5ms", "0ns", "1h", "How much slower than the fastest backend a "
                    + "backend must also be to count as slow (see slow-ratio): keeps backends that all answer within "
                    + "a few milliseconds out of the rule.")
            .durationAttribute(PROBE_INTERVAL, "250ms", "1ms", "1h", "A slow backend (see slow-ratio) gets one "
                    + "probe request when it is idle and has had no answer and no probe for this long: it bounds the "
                    + "traffic a slow backend gets, and how soon a backend that got fast again is noticed.")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Picks the cheaper of two random backends by peak-EWMA latency times requests in flight: routes "
                + "around slow or failing backends (one far slower than the others gets only probes), with optional "
                + "per-backend rate limits.";
    }

    @Override
    public int priority() {
        return 5;
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public ConfigResult<LatencyWeightedConfig> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).map(v -> new LatencyWeightedConfig(v.getDurationNanos(DECAY),
                v.getDurationNanos(DEFAULT_RTT), v.getDurationNanos(FAILURE_PENALTY), v.getDouble(RATE_LIMIT),
                v.getInt(BURST), v.getDouble(EXPLORATION), v.getDouble(SLOW_RATIO), v.getDurationNanos(SLOW_MARGIN),
                v.getDurationNanos(PROBE_INTERVAL)));
    }

    @Override
    public Strategy newStrategy(LatencyWeightedConfig config, StrategyContext context) {
        return new LatencyWeightedStrategy(config, context.ticker(), context.random());
    }
}
