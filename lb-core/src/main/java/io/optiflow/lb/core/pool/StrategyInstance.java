package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.spi.Strategy;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A built strategy with the name and raw config it was built from.
 *
 * @param name     strategy name
 * @param config   raw config as given (sorted copy)
 * @param strategy the strategy, not yet used by any pool
 */
public record StrategyInstance(String name, Map<String, String> config, Strategy strategy) {

    public StrategyInstance {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(strategy, "strategy");
        config = config == null || config.isEmpty() ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(config));
    }
}
