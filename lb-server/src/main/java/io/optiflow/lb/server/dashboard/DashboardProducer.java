package io.optiflow.lb.server.dashboard;

import io.optiflow.lb.api.spi.Durations;
import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.core.stats.StatsSampler;
import io.optiflow.lb.dashboard.cluster.RateLimitRedis;
import io.optiflow.lb.server.bootstrap.CoreProducer;
import io.optiflow.lb.server.config.InvalidConfigException;
import io.optiflow.lb.server.config.LbConfig;
import io.optiflow.lb.server.metrics.LbMetrics;
import io.optiflow.lb.server.metrics.ServiceMetrics;
import io.optiflow.lb.server.ratelimit.ClusterRateLimits;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Wires the dashboard (lb-dashboard's views) to the core: the one shared {@link StatsSampler} over the control
 * plane's pools, started at start-up so five minutes of history build up before anyone looks, with the requests
 * the proxy refused itself (429, 503) read from their meters.
 */
@Singleton
public class DashboardProducer {

    private static final Logger LOG = Logger.getLogger(DashboardProducer.class);

    @Inject
    CoreProducer core;

    @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1")
    String host;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "9090")
    int port;

    @Inject
    LbConfig config;

    @Produces
    @Singleton
    StatsSampler statsSampler(ControlPlane control, LbMetrics metrics) {
        StatsSampler sampler = new StatsSampler(control, Ticker.SYSTEM, Clock.systemUTC(), historySeconds());
        for (ServicePool pool : control.pools()) {
            ServiceMetrics m = metrics.service(pool.name());
            sampler.countRejections(pool.name(), () -> m.rateLimited().sum(),
                    () -> m.noBackend().sum());
        }
        sampler.start(core.scheduler());
        return sampler;
    }

    /** The Cluster page's view of the cluster rate limits' Redis (what readiness detail rate-limit-redis says). */
    @Produces
    @Singleton
    RateLimitRedis rateLimitRedis(ClusterRateLimits limits) {
        return () -> limits.isActive() ? new RateLimitRedis.Status(true, limits.isUp(), limits.since(),
                limits.replicas(), limits.problem()) : RateLimitRedis.Status.NOT_IN_USE;
    }

    /** {@code lb.dashboard.history} in whole seconds (it bounds the samples kept, also of backends since gone). */
    private int historySeconds() {
        String text = config.dashboard().history();
        long seconds;
        try {
            seconds = Durations.parseNanos(text) / 1_000_000_000L;
        } catch (IllegalArgumentException e) {
            seconds = -1;
        }
        if (seconds < 2 || seconds > 24 * 3600) {
            String message = "lb.dashboard.history: '" + text + "' (expected: a duration from 2s to 24h, such as 5m)";
            LOG.error(message);
            throw new InvalidConfigException(List.of(message));
        }
        return (int) seconds;
    }

    void closeSampler(@Disposes StatsSampler sampler) {
        sampler.close();
    }

    void onStart(@Observes StartupEvent event, StatsSampler sampler) {
        String shown = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        LOG.infof("Dashboard: http://%s:%d/ (log in with an admin-plane user: the same users, passwords and roles"
                + " as the admin API)", shown, port);
    }
}
