package io.optiflow.lb.algorithms.weightedroundrobin;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/** {@code weighted-round-robin}: smooth weighted rotation (nginx's algorithm), precomputed per snapshot. */
public final class WeightedRoundRobinProvider implements StrategyProvider<WeightedRoundRobinConfig> {

    /** The strategy's name; a contract, never changes. */
    public static final String NAME = "weighted-round-robin";

    static final String MAX_CYCLE = "max-cycle";
    static final String RANDOM_START = "random-start";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .intAttribute(MAX_CYCLE, 1 << 16, 1 << 10, 1 << 20, "Longest precomputed pick sequence (4 bytes each). "
                    + "Weights are first divided by their greatest common divisor; if their sum still exceeds this, "
                    + "they are scaled down to fit (every backend keeps at least one turn), so shares may move by "
                    + "about one part in this many.")
            .booleanAttribute(RANDOM_START, true, "Start each new snapshot's sequence at a random position, so "
                    + "replicas of the load balancer do not all send their next requests to the heaviest backend "
                    + "in step. false carries on from where the previous snapshot's sequence stood.")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Sends each backend a share of requests proportional to its weight, interleaved smoothly (weights "
                + "5,1,1 give a a b a c a a): for backends of different capacity with uniform requests.";
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
    public ConfigResult<WeightedRoundRobinConfig> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).map(v -> new WeightedRoundRobinConfig(v.getInt(MAX_CYCLE),
                v.getBoolean(RANDOM_START)));
    }

    @Override
    public Strategy newStrategy(WeightedRoundRobinConfig config, StrategyContext context) {
        return new WeightedRoundRobinStrategy(config, context.random());
    }
}
