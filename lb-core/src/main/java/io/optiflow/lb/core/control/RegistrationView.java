package io.optiflow.lb.core.control;

import java.time.Instant;

/**
 * A self-registered instance as the admin API shows it.
 *
 * @param id        registration id (renew and deregister with it)
 * @param service   the service it joined
 * @param backendId its backend id, {@code host:port}
 * @param url       {@code http://host:port}
 * @param weight    its weight
 * @param ttlMillis time to live after each renewal
 * @param expiresAt when it leaves unless renewed
 */
public record RegistrationView(String id, String service, String backendId, String url, int weight, long ttlMillis,
                               Instant expiresAt) {

    static RegistrationView of(String service, RuntimeState.Registration r) {
        return new RegistrationView(r.id(), service, r.spec().id(), r.spec().url(), r.spec().weight(), r.ttlMillis(),
                r.expiresAt());
    }
}
