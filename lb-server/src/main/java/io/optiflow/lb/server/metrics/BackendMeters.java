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
 * The request-path counters of one backend: each event loop records into a part of its own ({@link LoopMeters}:
 * plain counts, no atomic instruction, no Micrometer call, no clock read, no allocation), and other threads (the
 * proxy's rarer paths, tests) into lock-free adders ({@link #record}). Micrometer binds to them once, at
 * registration: function counters and gauges add the parts up at scrape time, and the duration histogram is
 * exported by {@link DurationHistograms}. They are kept while the backend is in its pool and taken out of the
 * registry when it leaves ({@link #remove}).
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
    private final LongAdder[] byClass = new LongAdder[LoopMeters.CLASSES];
    /**
     * Durations per bucket (not cumulative; the last is +Inf; their count is their sum), their sum, and the largest
     * since the last scrape.
     */
    private final LongAdder[] durationBuckets = new LongAdder[BUCKETS.length + 1];
    private final LongAdder durationSumNanos = new LongAdder();
    final AtomicLong durationMaxNanos = new AtomicLong();
    /** The event loops' parts; only grows (one per loop at most), copied on write. */
    private volatile LoopMeters[] loops = new LoopMeters[0];
    /** Taken out of the registry: the loops' cached parts are stale ({@link LoopMeters#isCurrent}). */
    volatile boolean removed;
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
        for (int i = 0; i < LoopMeters.CLASSES; i++) {
            byClass[i] = new LongAdder();
            int statusClass = i;
            registered.add(FunctionCounter.builder("lb.requests", this, m -> m.requests(statusClass))
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
        removed = true;
        for (Meter m : registered) {
            registry.remove(m);
        }
    }

    /**
     * The part of these counters that {@code loop} records into (made on its first call; the same one after), for
     * that loop's thread alone. Off the request path: a loop keeps it while {@link LoopMeters#isCurrent}.
     */
    public synchronized LoopMeters forLoop(Object loop) {
        LoopMeters[] all = loops;
        for (LoopMeters m : all) {
            if (m.loop == loop) {
                return m;
            }
        }
        LoopMeters m = new LoopMeters(this, loop);
        LoopMeters[] more = java.util.Arrays.copyOf(all, all.length + 1);
        more[all.length] = m;
        loops = more;
        return m;
    }

    /**
     * A final response with {@code status} after {@code nanos} (negative: no duration); outside 100..599 counts as
     * 5xx. Any thread (lock-free adders); an event loop records into its own part instead ({@link #forLoop}).
     */
    public void record(int status, long nanos) {
        byClass[statusClass(status)].increment();
        if (nanos >= 0) {
            durationBuckets[bucket(nanos)].increment();
            durationSumNanos.add(nanos);
            recordMax(nanos);
        }
    }

    /** The index of {@code status}'s class (1xx is 0); outside 100..599 counts as 5xx. */
    static int statusClass(int status) {
        int c = status / 100 - 1;
        return c >= 0 && c < LoopMeters.CLASSES ? c : LoopMeters.CLASSES - 1;
    }

    /** The duration bucket of {@code nanos} (the last is +Inf). */
    static int bucket(long nanos) {
        int b = 0;
        while (b < BUCKET_NANOS.length && nanos > BUCKET_NANOS[b]) {
            b++;
        }
        return b;
    }

    /** Shared by all loops, but written only when a duration beats the largest since the last scrape. */
    void recordMax(long nanos) {
        if (nanos > durationMaxNanos.get()) {
            durationMaxNanos.accumulateAndGet(nanos, Math::max);
        }
    }

    /** Responses of status class {@code statusClass} (0 is 1xx), all threads (scrape time). */
    long requests(int statusClass) {
        long n = byClass[statusClass].sum();
        for (LoopMeters m : loops) {
            n += m.requests(statusClass);
        }
        return n;
    }

    /** Durations in bucket {@code i} (not cumulative), all threads (scrape time). */
    long bucketCount(int i) {
        long n = durationBuckets[i].sum();
        for (LoopMeters m : loops) {
            n += m.bucket(i);
        }
        return n;
    }

    /** The sum of the durations recorded, all threads (scrape time). */
    long durationSumNanos() {
        long n = durationSumNanos.sum();
        for (LoopMeters m : loops) {
            n += m.durationSumNanos();
        }
        return n;
    }

    /** Durations recorded: the sum of the buckets (scrape time; one count less per request). */
    long durationCount() {
        long n = 0;
        for (int i = 0; i < durationBuckets.length; i++) {
            n += bucketCount(i);
        }
        return n;
    }

    /** Event loops that have a part of these counters (diagnostics and tests). */
    public int loopCount() {
        return loops.length;
    }

    public int inFlight() {
        return inFlight;
    }
}
