package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;

/**
 * The immutable request-path snapshot of a pool: generation, picker, the set it was made from, and the stats of
 * every member (sorted by id, found by binary search). Lock-free and allocation-free.
 *
 * <p>Handover: a request counts itself in its backend's {@link BackendStats#flight} (one atomic of epoch and
 * count). The epoch it sees there says which later generations were seeded with it (those up to and including
 * that epoch were sealed before, so it starts them itself) and, at completion, which later generations it must
 * release with {@link Outcome#IGNORED}. Every later generation thus gets exactly one start and one end.
 */
final class PoolSelector implements Selector {

    final Generation generation;
    final Picker picker;
    final BackendSet set;
    private final String[] ids;
    private final BackendStats[] stats;
    private final DefaultServicePool pool;
    /** Slow start over {@link #set}; null when no backend ramps up. */
    final SlowStartGate gate;

    PoolSelector(Generation generation, Picker picker, BackendSet set, String[] ids, BackendStats[] stats,
                 DefaultServicePool pool, SlowStartGate gate) {
        this.generation = generation;
        this.picker = picker;
        this.set = set;
        this.ids = ids;
        this.stats = stats;
        this.pool = pool;
        this.gate = gate;
    }

    PoolSelector withPicker(Picker newPicker, BackendSet newSet, SlowStartGate newGate) {
        return new PoolSelector(generation, newPicker, newSet, ids, stats, pool, newGate);
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        PickResult r = picker.pick(ctx);
        SlowStartGate g = gate;
        return g == null ? r : g.admit(r, ctx, picker);
    }

    @Override
    public void onStart(Backend backend) {
        Generation g = generation;
        BackendStats s = find(backend.id());
        int epoch = g.epoch;
        if (s != null) {
            epoch = BackendStats.epochOf(s.flight.getAndIncrement());
            s.requests.increment();
        }
        g.feedback.onStart(backend);
        Generation next = g.successor;
        if (next != null) {
            // generations sealed before this request counted itself were not seeded with it: start them here
            for (Generation h = next; h != null && h.epoch - epoch <= 0; h = h.successor) {
                h.feedback.onStart(backend);
            }
        }
    }

    @Override
    public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
        onComplete(backend, latencyNanos, outcome, pool.ticker.read());
    }

    @Override
    public void onComplete(Backend backend, long latencyNanos, Outcome outcome, long nowNanos) {
        Generation g = generation;
        BackendStats s = find(backend.id());
        int epoch = g.epoch;
        if (s != null) {
            epoch = BackendStats.epochOf(s.flight.getAndDecrement());
            if (outcome == Outcome.FAILURE) {
                s.errors.increment();
                int threshold = pool.consecutiveFailuresToEject;
                if (threshold > 0 && s.consecutiveFailures.incrementAndGet() == threshold) {
                    pool.requestEjection(s); // rare: hands the work to the pool's writer
                }
            } else if (outcome == Outcome.SUCCESS) {
                if (s.consecutiveFailures.get() != 0) {
                    s.consecutiveFailures.set(0);
                }
                if (s.ejectionStreak.get() != 0) {
                    s.ejectionStreak.set(0);
                }
            }
            if (outcome != Outcome.IGNORED) {
                s.latency.record(latencyNanos, nowNanos);
            }
        }
        g.feedback.onComplete(backend, latencyNanos, outcome, nowNanos);
        Generation next = g.successor;
        if (next != null) {
            // later generations were seeded with (or started by) this request: release its slot there
            for (Generation h = next; h != null && h.epoch - epoch <= 0; h = h.successor) {
                h.feedback.onComplete(backend, latencyNanos, Outcome.IGNORED, nowNanos);
            }
        }
    }

    int statsCount() {
        return stats.length;
    }

    BackendStats stats(int i) {
        return stats[i];
    }

    /** The stats of a member by id, or null. Binary search; allocation-free. */
    BackendStats find(String id) {
        int lo = 0;
        int hi = ids.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = ids[mid].compareTo(id);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return stats[mid];
            }
        }
        return null;
    }
}
