package io.optiflow.lb.core.support;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/** A provider that says it is not available here: the registry must not offer it. */
public final class UnavailableTestProvider implements StrategyProvider<String> {

    public static final String NAME = "test-unavailable";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return false;
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public ConfigResult<String> parseConfig(Map<String, String> raw) {
        return ConfigResult.valid("x");
    }

    @Override
    public Strategy newStrategy(String config, StrategyContext context) {
        return healthy -> Picker.NO_BACKEND;
    }
}
