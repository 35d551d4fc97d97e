package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.HealthStatus;
import io.optiflow.lb.core.pool.ServiceView;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of one service: counters on the request path that Micrometer reads at scrape time; backend meters are
 * made on first sight and cached by backend id, and dropped (from the registry and from the duration histograms'
 * collector) when a refresh no longer finds the backend, so churn under discovery does not grow them. The event
 * loops keep their parts of a backend's meters ({@link LoopMeters}) and ask {@link #backend} again once those are
 * dropped.
 */
public final class ServiceMetrics {

    /** Backend label of requests answered by the proxy itself (no backend, rate limited). */
    public static final String NO_BACKEND = "none";

    private final MeterRegistry registry;
    private final boolean prometheusHistograms;
    private final String service;
    private final ConcurrentHashMap<String, BackendMeters> backends = new ConcurrentHashMap<>();
    private final BackendMeters none;
    private final LongAdder retries = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder noBackend = new LongAdder();
    private final List<Meter> serviceMeters;
    private volatile long strategySwitches;
    private Set<String> missingLastRefresh = Set.of(); // refresh runs on one thread at a time

    ServiceMetrics(MeterRegistry registry, String service, boolean prometheusHistograms) {
        this.registry = registry;
        this.service = service;
        this.prometheusHistograms = prometheusHistograms;
        this.none = withDuration(new BackendMeters(registry, service, NO_BACKEND, false));
        this.serviceMeters = List.of(
                FunctionCounter.builder("lb.retries", retries, LongAdder::sum)
                        .description("Requests sent again to another backend").tag("service", service)
                        .register(registry),
                FunctionCounter.builder("lb.rate.limited", rateLimited, LongAdder::sum)
                        .description("Requests refused with 429").tag("service", service).register(registry),
                FunctionCounter.builder("lb.no.backend", noBackend, LongAdder::sum)
                        .description("Requests refused with 503 because no backend could take them")
                        .tag("service", service).register(registry),
                FunctionCounter.builder("lb.strategy.switches", this, m -> m.strategySwitches)
                        .description("Live strategy switches since start-up").tag("service", service)
                        .register(registry));
    }

    /** The meters of backend {@code id} (cached; made once). */
    public BackendMeters backend(String id) {
        BackendMeters m = backends.get(id);
        return m != null ? m : backends.computeIfAbsent(id, k -> withDuration(new BackendMeters(registry, service, k,
                true)));
    }

    private BackendMeters withDuration(BackendMeters m) {
        if (!prometheusHistograms) {
            m.registered(DurationHistograms.bindTimer(registry, m));
        }
        return m;
    }

    /** Every backend's meters and those of the proxy's own answers (scrape time). */
    void addAll(java.util.List<BackendMeters> out) {
        out.add(none);
        out.addAll(backends.values());
    }

    public BackendMeters none() {
        return none;
    }

    public LongAdder retries() {
        return retries;
    }

    public LongAdder rateLimited() {
        return rateLimited;
    }

    public LongAdder noBackend() {
        return noBackend;
    }

    /**
     * Copies the state the core owns (health, ejections, switches) from a fresh view, and removes the meters of
     * backends that two views in a row no longer have; off the request path, one call at a time.
     */
    void refresh(ServiceView view) {
        strategySwitches = view.strategySwitches();
        Set<String> present = new HashSet<>();
        for (BackendView b : view.backends()) {
            present.add(b.id());
            BackendMeters m = backend(b.id());
            m.up = b.health() == HealthStatus.UP ? 1 : 0;
            m.ejections = b.ejections();
            m.inFlight = b.inFlight();
        }
        // Gone from two views in a row: one view may predate a backend the proxy has just metered.
        Set<String> missing = new HashSet<>();
        for (Map.Entry<String, BackendMeters> e : backends.entrySet()) {
            String id = e.getKey();
            if (present.contains(id)) {
                continue;
            }
            if (!missingLastRefresh.contains(id)) {
                missing.add(id);
            } else if (backends.remove(id, e.getValue())) {
                // Out of the map before marked removed: a loop that finds its part stale gets new meters, not these.
                e.getValue().remove(registry);
            }
        }
        missingLastRefresh = missing;
    }

    /** Backends with meters now. */
    int backendCount() {
        return backends.size();
    }

    /** Takes every meter of this service out of the registry (the service is gone). */
    void remove() {
        List<BackendMeters> all = List.copyOf(backends.values());
        backends.clear(); // before the meters are marked removed, as in refresh
        all.forEach(m -> m.remove(registry));
        none.remove(registry);
        for (Meter m : serviceMeters) {
            registry.remove(m);
        }
    }
}
