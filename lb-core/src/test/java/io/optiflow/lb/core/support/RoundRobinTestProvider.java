package io.optiflow.lb.core.support;

import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A plain round robin for lb-core's tests; config {@code fail-update=true} makes its update throw. */
public final class RoundRobinTestProvider implements StrategyProvider<Boolean> {

    public static final String NAME = "test-round-robin";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .booleanAttribute("fail-update", false, "Makes update() throw, to test a strategy that breaks.")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public ConfigResult<Boolean> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).map(v -> v.getBoolean("fail-update"));
    }

    @Override
    public Strategy newStrategy(Boolean failUpdate, StrategyContext context) {
        AtomicInteger next = new AtomicInteger();
        return (BackendSet healthy) -> {
            if (failUpdate) {
                throw new IllegalStateException("fail-update is set");
            }
            if (healthy.isEmpty()) {
                return Picker.NO_BACKEND;
            }
            return ctx -> healthy.get(Math.floorMod(next.getAndIncrement(), healthy.size()));
        };
    }
}
