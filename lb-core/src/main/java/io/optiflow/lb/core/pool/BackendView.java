package io.optiflow.lb.core.pool;

/**
 * A read-only picture of one backend, for the admin API, the dashboard and metrics.
 *
 * @param id               {@code host:port}
 * @param url              {@code http://host:port}
 * @param weight           weight in force
 * @param weightOverridden whether a runtime change set the weight (differs from the configured one)
 * @param state            admin state in force
 * @param stateOverridden  whether a runtime change set the state
 * @param origin           {@code config} (static config) or {@code runtime} (added through the control plane)
 * @param health           what checks found
 * @param inFlight         requests in flight now
 * @param requests         requests started since start-up
 * @param errors           requests that ended in failure since start-up
 * @param ejections        passive ejections since start-up
 * @param latency          recent latency
 */
public record BackendView(String id, String url, int weight, boolean weightOverridden, AdminState state,
                          boolean stateOverridden, String origin, HealthStatus health, int inFlight, long requests,
                          long errors, long ejections, LatencySummary latency) {
}
