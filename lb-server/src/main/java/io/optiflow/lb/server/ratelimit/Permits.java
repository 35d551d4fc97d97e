package io.optiflow.lb.server.ratelimit;

/**
 * A source of request permits: a local token bucket, or a replica's share of a cluster-wide one in Redis.
 *
 * <p>Threading: {@link #tryAcquire} is called on the request path from many threads: lock-free, allocation-free.
 */
public interface Permits {

    /** @return 0 when the request may go, else nanoseconds until it could */
    long tryAcquire(long nowNanos);

    /** Whether it is full again / unused lately (a client's permits may then be dropped). */
    boolean isIdle(long nowNanos);

    /** Makes permits for one client (off the request path's common case: once per new client). */
    interface Factory {
        Permits create(String client, long nowNanos);
    }
}
