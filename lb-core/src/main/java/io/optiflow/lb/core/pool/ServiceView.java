package io.optiflow.lb.core.pool;

import java.util.List;
import java.util.Map;

/**
 * A read-only picture of one service.
 *
 * @param name               service name
 * @param strategy           strategy in force
 * @param strategyConfig     its raw config (as given)
 * @param strategyOverridden whether a runtime change set the strategy (differs from static config)
 * @param configuredStrategy the statically configured strategy (what a reset goes back to)
 * @param strategySwitches   live switches since start-up
 * @param backends           backends, sorted by id
 */
public record ServiceView(String name, String strategy, Map<String, String> strategyConfig,
                          boolean strategyOverridden, String configuredStrategy, long strategySwitches,
                          List<BackendView> backends) {
}
