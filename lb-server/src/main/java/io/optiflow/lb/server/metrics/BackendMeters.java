package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one backend, registered once and kept while the backend is in its pool, so recording a request is
 * an array index and two atomic adds: no meter lookup, no tag allocation on the request path.
 */
public final class BackendMeters {

    static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final Counter[] byClass = new Counter[5];
    private final Timer duration;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Meter> registered = new ArrayList<>();
    volatile double up = 1;
    volatile long ejections;

    BackendMeters(MeterRegistry registry, String service, String backend, boolean real) {
        for (int i = 0; i < 5; i++) {
            byClass[i] = Counter.builder("lb.requests")
                    .description("Requests answered, by the backend that answered and status class")
                    .tags("service", service, "backend", backend, "code_class", (i + 1) + "xx")
                    .register(registry);
            registered.add(byClass[i]);
        }
        duration = Timer.builder("lb.request.duration")
                .description("Time from sending a request to a backend to the end of its response")
                .tags("service", service, "backend", backend)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        registered.add(duration);
        if (real) {
            registered.add(Gauge.builder("lb.backend.in.flight", inFlight, AtomicInteger::get)
                    .description("Requests in flight to the backend through this proxy")
                    .tags("service", service, "backend", backend).register(registry));
            registered.add(Gauge.builder("lb.backend.up", this, m -> m.up)
                    .description("1 when the backend may take traffic (health UP), 0 when DOWN or ejected")
                    .tags("service", service, "backend", backend).register(registry));
            registered.add(FunctionCounter.builder("lb.backend.ejections", this, m -> m.ejections)
                    .description("Passive ejections of the backend after consecutive failures")
                    .tags("service", service, "backend", backend).register(registry));
        }
    }

    /**
     * Takes these meters out of {@code registry} (the backend left): they are no longer exported, and nothing keeps
     * them. A request still in flight may record into them afterwards; that goes nowhere.
     */
    void remove(MeterRegistry registry) {
        for (Meter m : registered) {
            registry.remove(m);
        }
    }

    public void started() {
        inFlight.incrementAndGet();
    }

    public void ended() {
        inFlight.decrementAndGet();
    }

    /** A final response with {@code status} after {@code nanos}; statuses outside 100..599 count as 5xx. */
    public void record(int status, long nanos) {
        int c = status / 100 - 1;
        byClass[c >= 0 && c < 5 ? c : 4].increment();
        if (nanos >= 0) {
            duration.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    public int inFlight() {
        return inFlight.get();
    }
}
