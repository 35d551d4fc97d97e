package io.optiflow.lb.bench.sim;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/** A fixture strategy for the engine's own tests: every request to the first backend. Not registered. */
final class FirstBackendProvider implements StrategyProvider<String> {

    @Override
    public String name() {
        return "first-backend";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public ConfigResult<String> parseConfig(Map<String, String> raw) {
        return ConfigSchema.empty().parse(raw).map(v -> "none");
    }

    @Override
    public Strategy newStrategy(String config, StrategyContext context) {
        return set -> set.isEmpty() ? Picker.NO_BACKEND : ctx -> set.get(0);
    }
}
