package io.optiflow.lb.algorithms.poweroftwo;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/** {@code power-of-two}: two random backends, the less loaded one wins. */
public final class PowerOfTwoProvider implements StrategyProvider<PowerOfTwoConfig> {

    /** The strategy's name; a contract, never changes. */
    public static final String NAME = "power-of-two";

    static final String RESPECT_WEIGHTS = "respect-weights";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .booleanAttribute(RESPECT_WEIGHTS, true, "Compare the two candidates' in-flight requests per unit "
                    + "of weight, so a backend of weight 2 carries about twice the requests of one of weight 1. "
                    + "false compares raw in-flight counts.")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Draws two distinct backends at random and sends the request to the one with fewer requests in "
                + "flight (per unit of weight): near least-connections balance at constant cost, for large pools.";
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
    public ConfigResult<PowerOfTwoConfig> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).map(v -> new PowerOfTwoConfig(v.getBoolean(RESPECT_WEIGHTS)));
    }

    @Override
    public Strategy newStrategy(PowerOfTwoConfig config, StrategyContext context) {
        return new PowerOfTwoStrategy(config, context.random());
    }
}
