package io.optiflow.lb.core.stats;

import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.HealthStatus;

/**
 * One backend at one sample: its settings and health as they were, and its traffic over the second before.
 *
 * @param id                {@code host:port}
 * @param url               {@code http://host:port}
 * @param weight            weight in force
 * @param weightOverridden  whether a runtime change set the weight
 * @param state             admin state in force
 * @param stateOverridden   whether a runtime change set the state
 * @param origin            where the backend came from, as the pool says ({@code config}, {@code runtime}, or a
 *                          discovery source's name)
 * @param health            what the checks found
 * @param inFlight          requests in flight at the sample
 * @param requestsPerSecond requests started per second since the previous sample
 * @param errorsPerSecond   failed requests per second since the previous sample
 * @param requests          requests started since start-up
 * @param errors            failed requests since start-up
 * @param ejections         passive ejections since start-up
 * @param p50Ms             recent median latency in ms (NaN when no recent request)
 * @param p99Ms             recent 99th percentile latency in ms (NaN when no recent request)
 */
public record BackendSample(String id, String url, int weight, boolean weightOverridden, AdminState state,
                            boolean stateOverridden, String origin, HealthStatus health, int inFlight,
                            double requestsPerSecond, double errorsPerSecond, long requests, long errors,
                            long ejections, double p50Ms, double p99Ms) {

    /** Whether the strategy may send it new requests: enabled and healthy. */
    public boolean available() {
        return state == AdminState.ENABLED && health == HealthStatus.UP;
    }

    /** Failed share of the last second's completed requests, 0..1 (0 without traffic). */
    public double errorRate() {
        return requestsPerSecond <= 0 ? 0 : Math.min(1, errorsPerSecond / requestsPerSecond);
    }
}
