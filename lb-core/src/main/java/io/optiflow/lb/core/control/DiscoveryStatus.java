package io.optiflow.lb.core.control;

import java.time.Instant;

/**
 * How a service's discovery source is doing, for the admin API, readiness and metrics.
 *
 * @param service      service name
 * @param type         provider type ({@code file}, {@code dns}, ...)
 * @param source       what it watches, in words (a path, a host name, namespace/service, ...)
 * @param lastSuccess  when it last gave a usable answer; null before the first
 * @param lastError    the last problem (unreachable, garbage, an ignored empty answer); null when none yet
 * @param lastErrorAt  when that happened; null when none yet
 * @param errors       problems since start-up
 * @param backends     backends it gives now (the last good set)
 * @param failing      whether the last attempt failed (the pool then keeps the last good set)
 */
public record DiscoveryStatus(String service, String type, String source, Instant lastSuccess, String lastError,
                              Instant lastErrorAt, long errors, int backends, boolean failing) {

    DiscoveryStatus succeeded(Instant at, int count) {
        return new DiscoveryStatus(service, type, source, at, lastError, lastErrorAt, errors, count, false);
    }

    DiscoveryStatus failed(Instant at, String message) {
        return new DiscoveryStatus(service, type, source, lastSuccess, message, at, errors + 1, backends, true);
    }

    DiscoveryStatus describedAs(String newSource) {
        return new DiscoveryStatus(service, type, newSource, lastSuccess, lastError, lastErrorAt, errors, backends,
                failing);
    }
}
