package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.server.ratelimit.ClusterRateLimits;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * Cluster mode's gauges (docs/metrics.md): {@code lb_state_store_up}, {@code lb_state_revision},
 * {@code lb_state_replicas}, {@code lb_rate_limit_redis_up} and {@code lb_rate_limit_cluster_replicas}, read at each
 * scrape; {@code lb_rate_limit_redis_round_trip_seconds}, recorded by the rate limits' refill thread.
 */
@Startup
@Singleton
public class ClusterMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    ControlPlane control;

    @Inject
    ClusterRateLimits limits;

    @PostConstruct
    void register() {
        String store = control.stateStatus().store();
        Gauge.builder("lb.state.store.up", control, c -> c.stateStatus().available() ? 1 : 0)
                .description("1 while the state store answers; 0 while this replica serves with its last state and"
                        + " refuses admin changes").tag("store", store).register(registry);
        Gauge.builder("lb.state.revision", control, c -> c.stateStatus().revision())
                .description("The state revision this replica has applied").tag("store", store).register(registry);
        Gauge.builder("lb.state.replicas", control, c -> c.replicas().size())
                .description("Replicas listed in the state store (heartbeat within the last hour)")
                .tag("store", store).register(registry);
        Gauge.builder("lb.rate.limit.redis.up", limits, l -> !l.isActive() || l.isUp() ? 1 : 0)
                .description("1 while Redis of the cluster-wide rate limits answers (or none is used); 0 while the"
                        + " limits use their cluster-fallback").register(registry);
        Gauge.builder("lb.rate.limit.cluster.replicas", limits, ClusterRateLimits::replicas)
                .description("Replicas counted on Redis in the last 5 s (the local fallback divides by it)")
                .register(registry);
        Timer roundTrips = Timer.builder("lb.rate.limit.redis.round.trip")
                .description("Round trips of this replica's batch requests to Redis (cluster-wide rate limits): the"
                        + " cluster admits its full limit while they stay well below burst / rate")
                .register(registry);
        limits.roundTripsTo(nanos -> roundTrips.record(nanos, TimeUnit.NANOSECONDS));
    }
}
