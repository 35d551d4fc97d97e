package io.optiflow.lb.dashboard.cluster;

import java.time.Instant;

/**
 * The Redis behind cluster-wide rate limits ({@code rate-limit.scope=cluster}, docs/cluster.md) as this replica sees
 * it, for the Cluster page; the server provides it. Called on the UI's refresh (once a second while the page is open).
 */
@FunctionalInterface
public interface RateLimitRedis {

    Status status();

    /**
     * @param inUse     whether any service counts its limits in Redis (when not, nothing else means anything)
     * @param available whether Redis answers
     * @param since     since when {@code available} has its value
     * @param replicas  replicas that counted on Redis in the last few seconds, as last heard
     * @param problem   why Redis is not used now, or null
     */
    record Status(boolean inUse, boolean available, Instant since, int replicas, String problem) {

        /** No service with {@code scope=cluster}. */
        public static final Status NOT_IN_USE = new Status(false, false, Instant.EPOCH, 0, null);
    }
}
