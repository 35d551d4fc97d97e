package io.optiflow.lb.core.pool;

import io.optiflow.lb.core.config.HealthPolicy;

/**
 * One service's backends, their health and admin state, and the strategy that balances them. Changes go through
 * one serialized writer; the request path reads one volatile {@link Selector}.
 *
 * <p>Implemented by {@link DefaultServicePool}. Threading: every method may be called from any thread;
 * {@link #selector()} is one volatile read and is what the request path uses.
 */
public interface ServicePool {

    String name();

    /** The current selector; read once per request (one volatile read). */
    Selector selector();

    /** The health policy of the service (the server's active checker reads it). */
    HealthPolicy healthPolicy();

    /** The result of one active health check of a backend (rise/fall counting is the pool's). Any thread. */
    void reportActiveCheck(String backendId, boolean passed);

    /** Whether at least one backend can take traffic now (readiness). */
    boolean hasAvailableBackend();

    /** A consistent picture of the service now. */
    ServiceView view();
}
