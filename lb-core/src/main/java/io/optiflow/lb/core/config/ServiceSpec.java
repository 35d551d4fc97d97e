package io.optiflow.lb.core.config;

import java.util.List;
import java.util.Map;

/**
 * A service as configured statically (before runtime overrides).
 *
 * @param name           service name, {@code [a-z0-9][a-z0-9-_.]*}
 * @param backends       configured backends
 * @param strategy       strategy name
 * @param strategyConfig raw strategy config
 * @param health         health policy
 */
public record ServiceSpec(String name, List<BackendSpec> backends, String strategy,
                          Map<String, String> strategyConfig, HealthPolicy health) {
}
