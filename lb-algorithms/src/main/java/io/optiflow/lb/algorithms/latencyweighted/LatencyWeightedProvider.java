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
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Picks the cheaper of two random backends by peak-EWMA latency times requests in flight: routes "
                + "around slow or failing backends, with optional per-backend rate limits.";
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
                v.getInt(BURST), v.getDouble(EXPLORATION)));
    }

    @Override
    public Strategy newStrategy(LatencyWeightedConfig config, StrategyContext context) {
        return new LatencyWeightedStrategy(config, context.ticker(), context.random());
    }
}
