package io.optiflow.lb.algorithms.random;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/** {@code random}: a weighted random backend per request, O(1) through an alias table. */
public final class RandomProvider implements StrategyProvider<RandomConfig> {

    /** The strategy's name; a contract, never changes. */
    public static final String NAME = "random";

    static final String RESPECT_WEIGHTS = "respect-weights";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .booleanAttribute(RESPECT_WEIGHTS, true, "Draw each backend with probability proportional to its "
                    + "weight. false draws uniformly, ignoring weights.")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Sends each request to a backend drawn at random, in proportion to weight: no shared counter "
                + "between requests, and no herding between replicas.";
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
    public ConfigResult<RandomConfig> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).map(v -> new RandomConfig(v.getBoolean(RESPECT_WEIGHTS)));
    }

    @Override
    public Strategy newStrategy(RandomConfig config, StrategyContext context) {
        return new RandomStrategy(config, context.random());
    }
}
