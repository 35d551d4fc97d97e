package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.HealthStatus;
import io.optiflow.lb.core.pool.ServiceView;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of one service: lock-free adders on the request path that Micrometer reads at scrape time; backend
 * meters are made on first sight and cached by backend id.
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
    private volatile long strategySwitches;

    ServiceMetrics(MeterRegistry registry, String service, boolean prometheusHistograms) {
        this.registry = registry;
        this.service = service;
        this.prometheusHistograms = prometheusHistograms;
        this.none = withDuration(new BackendMeters(registry, service, NO_BACKEND, false));
        FunctionCounter.builder("lb.retries", retries, LongAdder::sum)
                .description("Requests sent again to another backend").tag("service", service).register(registry);
        FunctionCounter.builder("lb.rate.limited", rateLimited, LongAdder::sum)
                .description("Requests refused with 429").tag("service", service).register(registry);
        FunctionCounter.builder("lb.no.backend", noBackend, LongAdder::sum)
                .description("Requests refused with 503 because no backend could take them")
                .tag("service", service).register(registry);
        FunctionCounter.builder("lb.strategy.switches", this, m -> m.strategySwitches)
                .description("Live strategy switches since start-up").tag("service", service).register(registry);
    }

    /** The meters of backend {@code id} (cached; made once). */
    public BackendMeters backend(String id) {
        BackendMeters m = backends.get(id);
        return m != null ? m : backends.computeIfAbsent(id, k -> withDuration(new BackendMeters(registry, service, k,
                true)));
    }

    private BackendMeters withDuration(BackendMeters m) {
        if (!prometheusHistograms) {
            DurationHistograms.bindTimer(registry, m);
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

    /** Copies the state the core owns (health, ejections, switches) from a fresh view; off the request path. */
    void refresh(ServiceView view) {
        strategySwitches = view.strategySwitches();
        for (BackendView b : view.backends()) {
            BackendMeters m = backend(b.id());
            m.up = b.health() == HealthStatus.UP ? 1 : 0;
            m.ejections = b.ejections();
        }
    }
}
