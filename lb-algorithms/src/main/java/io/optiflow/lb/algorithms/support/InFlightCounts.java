package io.optiflow.lb.algorithms.support;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-flight request counts per backend, kept by a strategy across snapshots and fed by {@link LoadFeedback}.
 * Shared by the load-aware built-ins (least-connections, power-of-two) so neither depends on the other.
 *
 * <p>Each backend id owns one {@link AtomicInteger} for as long as the strategy knows it. {@link #update} hands
 * the next picker the counters of its snapshot, in snapshot order, reusing the counter of every backend that
 * stays, so a pick and a concurrent {@code onStart} through an older picker touch the same object. A removed
 * backend's counter is kept while requests are still in flight on it (so it comes back with an exact count if
 * health flaps) and dropped at the first update that finds it idle.
 *
 * <p>Handover: a new strategy is seeded by one {@link #onStart} per request in flight, after its first
 * {@link #update}; each seeded request is later released with {@link Outcome#IGNORED}. Counts never go below 0,
 * and feedback for a backend never seen (or dropped) is ignored. So a backend outside the snapshot at the switch
 * (ejected, drained) is not seeded; if it comes back while those requests still run, it counts only its new ones
 * for a while (their releases are absorbed at 0). Likewise a start racing the update that drops an idle removed
 * backend can be lost. Both undercount briefly and heal as requests drain; neither drives a count negative.
 *
 * <p>Threading: {@link #update} by the strategy's one writer; {@link #onStart}, {@link #onComplete} and
 * {@link #inFlight} from any thread, lock-free and allocation-free (one volatile read, the counter found by the
 * backend's identity in the current snapshot or else by id ({@link BackendMap}), one atomic). Counters are
 * {@link PaddedCounter}s: one cache line each.
 */
public final class InFlightCounts implements LoadFeedback {

    /** Published whole, never mutated after publication. */
    private volatile BackendMap<AtomicInteger> byBackend =
            BackendMap.of(BackendSet.of(List.of()), new AtomicInteger[0], Map.of());

    /**
     * The counters of {@code snapshot}, index-aligned with it; publishes the id lookup for feedback. Writer only.
     */
    public AtomicInteger[] update(BackendSet snapshot) {
        Map<String, AtomicInteger> old = byBackend.values();
        Map<String, AtomicInteger> next = new HashMap<>(Math.max(16, (snapshot.size() + old.size()) * 2));
        AtomicInteger[] counters = new AtomicInteger[snapshot.size()];
        for (int i = 0; i < counters.length; i++) {
            String id = snapshot.get(i).id();
            AtomicInteger c = old.get(id);
            counters[i] = c != null ? c : new PaddedCounter();
            next.put(id, counters[i]);
        }
        for (Map.Entry<String, AtomicInteger> e : old.entrySet()) {
            // keep a removed backend's count while requests still run on it: exact if it comes back
            if (!next.containsKey(e.getKey()) && e.getValue().get() > 0) {
                next.put(e.getKey(), e.getValue());
            }
        }
        byBackend = BackendMap.of(snapshot, counters, next);
        return counters;
    }

    @Override
    public void onStart(Backend backend) {
        AtomicInteger c = byBackend.get(backend);
        if (c != null) {
            c.incrementAndGet();
        }
    }

    @Override
    public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
        AtomicInteger c = byBackend.get(backend);
        if (c == null) {
            return;
        }
        // Every outcome, IGNORED included, releases the slot; a stray completion must not leave it negative.
        release(c);
    }

    /**
     * Takes one from {@code counter} unless it is at 0 (a completion whose start was never counted): one atomic
     * add, undone when it went below 0. A read followed by a compare-and-set would move the counter's cache line
     * twice when another core has just written it (once shared for the read, once exclusive for the CAS); the add
     * moves it once. The price: while a stray completion is being undone, a concurrent pick may read -1, and
     * take that backend as the least loaded for that one pick.
     *
     * @return whether a slot was taken (false: the counter was at 0 and is again)
     */
    public static boolean release(AtomicInteger counter) {
        if (counter.getAndDecrement() > 0) {
            return true;
        }
        counter.getAndIncrement();
        return false;
    }

    /** Requests in flight on the backend with this id; 0 for an unknown one. */
    public int inFlight(String backendId) {
        AtomicInteger c = byBackend.byId(backendId);
        return c == null ? 0 : c.get();
    }

    /** Ids with a counter, current or draining; for tests and diagnostics (allocates). */
    public Set<String> trackedIds() {
        return Set.copyOf(byBackend.values().keySet());
    }

    /**
     * Whether load {@code a} per unit of {@code weightA} is strictly below load {@code b} per unit of
     * {@code weightB}: {@code a/weightA < b/weightB}, cross-multiplied so it stays exact in integers.
     */
    public static boolean lessLoaded(int a, int weightA, int b, int weightB) {
        return (long) a * weightB < (long) b * weightA;
    }
}
