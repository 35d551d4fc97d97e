package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The request-path counters of one backend: plain lock-free adders (an array index and three adds per request; no
 * Micrometer call, no clock read, no allocation). Micrometer binds to them once, at registration: function
 * counters and gauges read them at scrape time, and the duration histogram is exported by
 * {@link DurationHistograms}. They are kept while the backend is in its pool and taken out of the registry when it
 * leaves ({@link #remove}).
 */
public final class BackendMeters {

    static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)};
    static final long[] BUCKET_NANOS = new long[BUCKETS.length];

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            BUCKET_NANOS[i] = BUCKETS[i].toNanos();
        }
    }

    final String service;
    final String backend;
    private final LongAdder[] byClass = new LongAdder[5];
    /**
     * Durations per bucket (not cumulative; the last is +Inf; their count is their sum), their sum, and the largest
     * since the last scrape.
     */
    final LongAdder[] durationBuckets = new LongAdder[BUCKETS.length + 1];
    final LongAdder durationSumNanos = new LongAdder();
    final AtomicLong durationMaxNanos = new AtomicLong();
    /** What this backend registered in Micrometer, to take out again when it leaves. */
    private final List<Meter> registered = new ArrayList<>();
    volatile double up = 1;
    /**
     * Requests in flight to the backend, as its pool counts them (each pick's start to its end), copied at every
     * refresh like {@link #up}: the request path keeps no second count of its own.
     */
    volatile int inFlight;
    volatile long ejections;

    BackendMeters(MeterRegistry registry, String service, String backend, boolean real) {
        this.service = service;
        this.backend = backend;
        for (int i = 0; i < durationBuckets.length; i++) {
            durationBuckets[i] = new LongAdder();
        }
        for (int i = 0; i < 5; i++) {
            LongAdder c = new LongAdder();
            byClass[i] = c;
            registered.add(FunctionCounter.builder("lb.requests", c, LongAdder::sum)
                    .description("Requests answered, by the backend that answered and status class")
                    .tags("service", service, "backend", backend, "code_class", (i + 1) + "xx")
                    .register(registry));
        }
        if (real) {
            registered.add(Gauge.builder("lb.backend.in.flight", this, m -> m.inFlight)
                    .description("Requests in flight to the backend through this proxy")
                    .tags("service", service, "backend", backend).register(registry));
            registered.add(Gauge.builder("lb.backend.up", this, m -> m.up)
                    .description("1 when the backend may take traffic (health UP), 0 when DOWN or ejected")
                    .tags("service", service, "backend", backend).register(registry));
            ToDoubleFunction<BackendMeters> ejected = m -> m.ejections;
            registered.add(FunctionCounter.builder("lb.backend.ejections", this, ejected)
                    .description("Passive ejections of the backend after consecutive failures")
                    .tags("service", service, "backend", backend).register(registry));
        }
    }

    /** Keeps {@code meter} (registered for this backend elsewhere) to be taken out with the others. */
    void registered(Meter meter) {
        registered.add(meter);
    }

    /**
     * Takes these meters out of {@code registry} (the backend left): they are no longer exported, and nothing keeps
     * them. The duration histogram goes with the backend's entry in its {@link ServiceMetrics}, which the collector
     * reads at scrape time. A request still in flight may record into the adders afterwards; that goes nowhere.
     */
    void remove(MeterRegistry registry) {
        for (Meter m : registered) {
            registry.remove(m);
        }
    }

    /** A final response with {@code status} after {@code nanos} (negative: no duration); outside 100..599 counts as 5xx. */
    public void record(int status, long nanos) {
        int c = status / 100 - 1;
        byClass[c >= 0 && c < 5 ? c : 4].increment();
        if (nanos >= 0) {
            int b = 0;
            while (b < BUCKET_NANOS.length && nanos > BUCKET_NANOS[b]) {
                b++;
            }
            durationBuckets[b].increment();
            durationSumNanos.add(nanos);
            if (nanos > durationMaxNanos.get()) {
                durationMaxNanos.accumulateAndGet(nanos, Math::max);
            }
        }
    }

    /** Durations recorded: the sum of the buckets (scrape time; one adder less per request). */
    long durationCount() {
        long n = 0;
        for (LongAdder b : durationBuckets) {
            n += b.sum();
        }
        return n;
    }

    public int inFlight() {
        return inFlight;
    }
}
