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
 * @param slowStartNanos how long a backend that joins (or comes back) ramps up to its full share; 0 = off
 * @param discovery      where more backends come from, or null for static backends only
 */
public record ServiceSpec(String name, List<BackendSpec> backends, String strategy,
                          Map<String, String> strategyConfig, HealthPolicy health, long slowStartNanos,
                          DiscoverySpec discovery) {

    /** A service with static backends only and no slow start. */
    public ServiceSpec(String name, List<BackendSpec> backends, String strategy, Map<String, String> strategyConfig,
                       HealthPolicy health) {
        this(name, backends, strategy, strategyConfig, health, 0, null);
    }
}
