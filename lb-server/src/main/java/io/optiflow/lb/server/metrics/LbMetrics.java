package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.ServicePool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * The load balancer's Prometheus metrics (see docs/metrics.md). Request-path counters are lock-free adders that
 * Micrometer reads at scrape time; the
 * state the core owns (health, ejections, strategy switches) is copied from the pools' views once a second.
 */
@Singleton
public class LbMetrics {

    private static final Logger LOG = Logger.getLogger(LbMetrics.class);

    @Inject
    MeterRegistry registry;

    private final ConcurrentHashMap<String, ServiceMetrics> services = new ConcurrentHashMap<>();

    /** Metrics on a given registry, outside CDI (tests, tools). */
    public static LbMetrics standalone(MeterRegistry registry) {
        LbMetrics m = new LbMetrics();
        m.registry = registry;
        return m;
    }

    private volatile Boolean prometheusHistograms;

    public ServiceMetrics service(String name) {
        ServiceMetrics m = services.get(name);
        return m != null ? m : services.computeIfAbsent(name, n -> new ServiceMetrics(registry, n, histograms()));
    }

    /** Binds the duration histograms once (a Prometheus collector when the registry has Prometheus). */
    private synchronized boolean histograms() {
        if (prometheusHistograms == null) {
            prometheusHistograms = DurationHistograms.bind(registry, this::allMeters);
        }
        return prometheusHistograms;
    }

    private Iterable<BackendMeters> allMeters() {
        java.util.List<BackendMeters> all = new java.util.ArrayList<>();
        for (ServiceMetrics s : services.values()) {
            s.addAll(all);
        }
        return all;
    }

    /**
     * Binds the data plane's connection figures: {@code lb_connections_open} and {@code lb_connections_refused_total}
     * (refused at {@code lb.proxy.max-connections}). Read at scrape time.
     */
    public <T> void bindConnections(T plane, ToDoubleFunction<T> open, ToDoubleFunction<T> refused) {
        Gauge.builder("lb.connections.open", plane, open)
                .description("Client connections open on the data plane").register(registry);
        FunctionCounter.builder("lb.connections.refused", plane, refused)
                .description("Client connections refused because lb.proxy.max-connections were open")
                .register(registry);
    }

    /**
     * Binds the access log's {@code lb_access_log_dropped_total}: records not written because its queue was full (or
     * writing failed). Read at scrape time.
     */
    public <T> void bindAccessLog(T log, ToDoubleFunction<T> dropped) {
        FunctionCounter.builder("lb.access.log.dropped", log, dropped)
                .description("Access log records dropped: the writer's queue (lb.access-log.queue) was full, or"
                        + " writing failed").register(registry);
    }

    /**
     * Binds a service's in-flight cap figures: {@code lb_service_in_flight}, {@code lb_service_queued} and
     * {@code lb_service_overloaded_total} (503 for the cap: queue full or waited too long). Read at scrape time.
     */
    public <T> void bindAdmission(String service, T admission, ToDoubleFunction<T> inFlight,
                                  ToDoubleFunction<T> queued, ToDoubleFunction<T> refused) {
        Gauge.builder("lb.service.in.flight", admission, inFlight).tag("service", service)
                .description("Requests of the service in flight through this load balancer").register(registry);
        Gauge.builder("lb.service.queued", admission, queued).tag("service", service)
                .description("Requests waiting for a slot of the service (lb.proxy.max-in-flight-per-service)")
                .register(registry);
        FunctionCounter.builder("lb.service.overloaded", admission, refused).tag("service", service)
                .description("Requests refused with 503 because the service was at its in-flight cap and queue")
                .register(registry);
    }

    /**
     * Reads every pool's view into the gauges, and drops the meters of backends and services that are gone; called
     * periodically off the request path.
     */
    public void refresh(ControlPlane controlPlane) {
        Set<String> present = new HashSet<>();
        for (ServicePool pool : controlPlane.pools()) {
            present.add(pool.name());
            try {
                service(pool.name()).refresh(pool.view());
            } catch (RuntimeException e) {
                LOG.debugf(e, "metrics refresh of service %s failed", pool.name());
            }
        }
        services.entrySet().removeIf(e -> {
            if (present.contains(e.getKey())) {
                return false;
            }
            e.getValue().remove();
            return true;
        });
    }
}
