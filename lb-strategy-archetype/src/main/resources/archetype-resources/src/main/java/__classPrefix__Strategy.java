package ${package};

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.Ticker;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The control side of {@code ${strategyName}} for one service, and its load feedback.
 *
 * <p>What a strategy must do:
 * <ul>
 *   <li>{@link #update}: called by one writer, never concurrently with itself. Do all the work here (filter,
 *       sort, build arrays) and return a new immutable {@link ${classPrefix}Picker}, or {@link Picker#NO_BACKEND}
 *       for an empty set; never {@code null}. Older pickers may still be in use afterwards.</li>
 *   <li>Keep per-backend state that must outlive a snapshot (in-flight counts, failure times) here, keyed by
 *       {@link Backend#id()}, and hand the same objects to each new picker: a weight change must not reset
 *       anyone's counters.</li>
 *   <li>{@link #feedback()}: called once; the object is then used by every request thread at once:
 *       {@code onStart}/{@code onComplete} take no lock and allocate nothing. Every outcome, {@code IGNORED}
 *       included, releases the in-flight slot; a count never goes below zero; feedback for a backend you do not
 *       know (it left the snapshot, or never was in it) is ignored.</li>
 *   <li>{@link #close()}: cancel background tasks you scheduled on the context's scheduler (none here); never
 *       break a picker already handed out.</li>
 * </ul>
 */
final class ${classPrefix}Strategy implements Strategy, LoadFeedback {

    /** {@link Load#failedAt} of a backend whose last request did not fail. */
    static final long NEVER = Long.MIN_VALUE;

    private final ${classPrefix}Config config;
    private final Ticker ticker;
    private final RandomSource random;
    /** The id lookup for feedback: published whole by the writer, never modified after. */
    private volatile Map<String, Load> byId = new HashMap<>();

    ${classPrefix}Strategy(${classPrefix}Config config, Ticker ticker, RandomSource random) {
        this.config = config;
        this.ticker = ticker;
        this.random = random;
    }

    /** What the strategy knows of one backend; lives as long as the backend is in a snapshot or busy. */
    static final class Load {
        final AtomicInteger inFlight = new AtomicInteger();
        /** Ticker time of the last failure, or {@link #NEVER} once a request succeeds. */
        final AtomicLong failedAt = new AtomicLong(NEVER);
    }

    @Override
    public Picker update(BackendSet healthy) {
        Map<String, Load> old = byId;
        Map<String, Load> next = new HashMap<>(Math.max(16, (healthy.size() + old.size()) * 2));
        Backend[] backends = healthy.backends().toArray(new Backend[0]);
        Load[] loads = new Load[backends.length];
        for (int i = 0; i < backends.length; i++) {
            Load l = old.get(backends[i].id());
            loads[i] = l != null ? l : new Load();
            next.put(backends[i].id(), loads[i]);
        }
        for (Map.Entry<String, Load> e : old.entrySet()) {
            // a backend that left with requests still running keeps its count: they release it, and it comes
            // back with the true count if health flaps; the first update that finds it idle drops it
            if (!next.containsKey(e.getKey()) && e.getValue().inFlight.get() > 0) {
                next.put(e.getKey(), e.getValue());
            }
        }
        byId = next;
        return backends.length == 0 ? Picker.NO_BACKEND
                : new ${classPrefix}Picker(backends, loads, ticker, random, config.failureBackoffNanos(), config.probe());
    }

    @Override
    public LoadFeedback feedback() {
        return this;
    }

    @Override
    public void onStart(Backend backend) {
        Load l = byId.get(backend.id());
        if (l != null) {
            l.inFlight.incrementAndGet();
        }
    }

    /** The form a caller without the time of the end uses (tests, older proxies): reads the ticker once. */
    @Override
    public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
        onComplete(backend, latencyNanos, outcome, ticker.read());
    }

    /**
     * The form the proxy calls: {@code nowNanos} is the clock reading it took to measure the latency, on the same
     * clock as the context's ticker, so dating a failure costs no clock read of our own.
     */
    @Override
    public void onComplete(Backend backend, long latencyNanos, Outcome outcome, long nowNanos) {
        Load l = byId.get(backend.id());
        if (l == null) {
            return; // never known, or dropped: nothing to release
        }
        if (outcome == Outcome.FAILURE) {
            l.failedAt.set(nowNanos);
        } else if (outcome == Outcome.SUCCESS) {
            l.failedAt.set(NEVER);
        } // IGNORED: says nothing about the backend, learn nothing
        // every outcome releases the slot; a completion whose start was never counted must not go below zero
        for (int v = l.inFlight.get(); v > 0; v = l.inFlight.get()) {
            if (l.inFlight.compareAndSet(v, v - 1)) {
                return;
            }
        }
    }

    /** Requests in flight on the backend with this id, as counted; 0 for an unknown one. For tests. */
    int inFlight(String backendId) {
        Load l = byId.get(backendId);
        return l == null ? 0 : l.inFlight.get();
    }
}
