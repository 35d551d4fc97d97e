package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.ServicePool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
