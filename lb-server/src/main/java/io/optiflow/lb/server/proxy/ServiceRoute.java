package io.optiflow.lb.server.proxy;

import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.server.config.ClientLimits;
import io.optiflow.lb.server.config.ServiceSettings;
import io.optiflow.lb.server.metrics.ServiceMetrics;
import io.optiflow.lb.server.ratelimit.RateLimiter;

/** Everything the request path needs of one service, resolved once at start-up. Immutable references. */
final class ServiceRoute {

    final String name;
    final ServiceSettings settings;
    final ServicePool pool;
    final ServiceMetrics metrics;
    final RateLimiter rateLimiter;
    final RetryBudget retryBudget;
    /** The service's in-flight cap and wait queue, shared by all event loops. */
    final Admission admission;
    final String pathPrefix;
    final boolean prefixEndsWithSlash;
    /** The prefix is {@code /} (or empty): every path, which routing gets in origin form (from {@code /}), is under it. */
    private final boolean allPaths;

    /** With the service's local rate limits. */
    ServiceRoute(ServiceSettings settings, ServicePool pool, ServiceMetrics metrics, long nowNanos) {
        this(settings, pool, metrics, new RateLimiter(settings.rps(), settings.burst(), settings.clientRps(),
                settings.clientBurst(), nowNanos), ClientLimits.DEFAULTS);
    }

    /**
     * With the given limiter (cluster-wide ones come from ClusterRateLimits) and the data plane's caps ({@code limits}:
     * the service's in-flight cap and queue).
     */
    ServiceRoute(ServiceSettings settings, ServicePool pool, ServiceMetrics metrics, RateLimiter rateLimiter,
                 ClientLimits limits) {
        this.name = settings.name();
        this.admission = new Admission(limits.maxInFlightPerService(), limits.queuePerService(),
                limits.queueTimeoutMillis());
        this.settings = settings;
        this.pool = pool;
        this.metrics = metrics;
        this.rateLimiter = rateLimiter;
        this.retryBudget = new RetryBudget(settings.retryBudgetPercent());
        this.pathPrefix = settings.pathPrefix();
        this.prefixEndsWithSlash = pathPrefix.endsWith("/");
        this.allPaths = pathPrefix.isEmpty() || pathPrefix.equals("/");
    }

    /** Whether {@code path} lies under the prefix on a segment boundary ({@code /api} takes {@code /api/x}, not {@code /apix}). */
    boolean matches(String path) {
        if (allPaths && !path.isEmpty() && path.charAt(0) == '/') {
            return true;
        }
        if (!path.startsWith(pathPrefix)) {
            return false;
        }
        return prefixEndsWithSlash || path.length() == pathPrefix.length() || path.charAt(pathPrefix.length()) == '/'
                || path.charAt(pathPrefix.length()) == '?';
    }
}
