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
 * @param origin           where it comes from: {@code config} (static config), {@code runtime} (added through the
 *                         control plane), {@code registration} (self-registered) or a discovery type ({@code file},
 *                         {@code dns}, {@code kubernetes}, {@code consul}, ...)
 * @param health           what checks found
 * @param inFlight         requests in flight now
 * @param requests         requests started since start-up
 * @param errors           requests that ended in failure since start-up
 * @param ejections        passive ejections since start-up
 * @param latency          recent latency
 * @param labels           labels from its source (e.g. {@code zone})
 * @param slowStartPercent share of its full traffic it may take now while slow start ramps it up (100 = warm)
 * @param leaving          it left its discovery source: no new requests; dropped once those in flight finished
 */
public record BackendView(String id, String url, int weight, boolean weightOverridden, AdminState state,
                          boolean stateOverridden, String origin, HealthStatus health, int inFlight, long requests,
                          long errors, long ejections, LatencySummary latency, java.util.Map<String, String> labels,
                          int slowStartPercent, boolean leaving) {
}
