package io.optiflow.lb.algorithms.leastconnections;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/** {@code least-connections}: the backend with the fewest requests in flight per unit of weight. */
public final class LeastConnectionsProvider implements StrategyProvider<LeastConnectionsConfig> {

    /** The strategy's name; a contract, never changes. */
    public static final String NAME = "least-connections";

    static final String RESPECT_WEIGHTS = "respect-weights";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .booleanAttribute(RESPECT_WEIGHTS, true, "Compare in-flight requests per unit of weight, so a "
                    + "backend of weight 2 carries twice the requests of one of weight 1. false compares raw "
                    + "in-flight counts.")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Sends each request to the backend with the fewest requests in flight (per unit of weight): "
                + "for requests of varying cost and backends that may slow down.";
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
    public ConfigResult<LeastConnectionsConfig> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).map(v -> new LeastConnectionsConfig(v.getBoolean(RESPECT_WEIGHTS)));
    }

    @Override
    public Strategy newStrategy(LeastConnectionsConfig config, StrategyContext context) {
        return new LeastConnectionsStrategy(config, context.random());
    }
}
