package io.optiflow.lb.algorithms.roundrobin;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/** {@code round-robin}: every healthy backend in turn, weights ignored. */
public final class RoundRobinProvider implements StrategyProvider<RoundRobinConfig> {

    /** The strategy's name; a contract, never changes. */
    public static final String NAME = "round-robin";

    static final String RANDOM_START = "random-start";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .booleanAttribute(RANDOM_START, true, "Start each new snapshot's rotation at a random backend, so "
                    + "replicas of the load balancer do not all send their next request to the same backend. "
                    + "false carries the rotation on from where the previous snapshot left it.")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Sends each request to the next backend in turn, ignoring weights: for equal backends and "
                + "short, uniform requests.";
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
    public ConfigResult<RoundRobinConfig> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).map(v -> new RoundRobinConfig(v.getBoolean(RANDOM_START)));
    }

    @Override
    public Strategy newStrategy(RoundRobinConfig config, StrategyContext context) {
        return new RoundRobinStrategy(config, context.random());
    }
}
