package io.optiflow.lb.server.ratelimit;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A service's rate limits: one service-wide bucket and one bucket per client address, each optional. The client
 * map is bounded: buckets of idle clients are swept away by {@link #evictIdle}, and when the map is full a new
 * client shares one overflow bucket rather than growing memory without bound.
 *
 * <p>Threading: {@link #tryAcquire} is lock-free; a new client allocates its bucket once.
 */
public final class RateLimiter {

    /** Most distinct client buckets kept at once. */
    public static final int MAX_CLIENTS = 100_000;

    private final Permits service;
    private final Permits.Factory clientPermits;
    private final ConcurrentHashMap<String, Permits> clients;
    private final Permits overflow;

    /** Local limits. @param rps service-wide rate, 0 = none; @param clientRps per-client rate, 0 = none */
    public RateLimiter(double rps, int burst, double clientRps, int clientBurst, long nowNanos) {
        this(rps > 0 ? new TokenBucket(rps, burst, nowNanos) : null,
                clientRps > 0 ? (client, now) -> new TokenBucket(clientRps, clientBurst, now) : null, nowNanos);
    }

    /**
     * Limits from any source (cluster-wide ones: {@link ClusterRateLimits}).
     *
     * @param service       service-wide permits, or null for none
     * @param clientPermits makes each client's permits, or null for no per-client limit
     */
    public RateLimiter(Permits service, Permits.Factory clientPermits, long nowNanos) {
        this.service = service;
        this.clientPermits = clientPermits;
        this.clients = clientPermits != null ? new ConcurrentHashMap<>() : null;
        this.overflow = clientPermits != null ? clientPermits.create("overflow", nowNanos) : null;
    }

    public boolean isActive() {
        return service != null || clients != null;
    }

    public boolean limitsClients() {
        return clients != null;
    }

    /**
     * @param client the client's address (only read when per-client limits are on)
     * @return 0 when the request may go, else nanoseconds until it could
     */
    public long tryAcquire(String client, long nowNanos) {
        if (clients != null) {
            Permits b = clients.get(client);
            if (b == null) {
                b = clients.size() >= MAX_CLIENTS
                        ? overflow
                        : clients.computeIfAbsent(client, k -> clientPermits.create(k, nowNanos));
            }
            long wait = b.tryAcquire(nowNanos);
            if (wait > 0) {
                return wait;
            }
        }
        return service == null ? 0 : service.tryAcquire(nowNanos);
    }

    /** Drops the buckets of clients that have been idle long enough for their bucket to refill. */
    public void evictIdle(long nowNanos) {
        if (clients == null) {
            return;
        }
        for (Iterator<Map.Entry<String, Permits>> it = clients.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().isIdle(nowNanos)) {
                it.remove();
            }
        }
    }

    /** Client buckets held now. */
    public int clientCount() {
        return clients == null ? 0 : clients.size();
    }

    /** Whole seconds to put in Retry-After for a wait (rounded up, at least 1). */
    public static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }
}
