package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;

/**
 * The immutable request-path snapshot of a pool: generation, picker, the set it was made from, and the stats of
 * every member (sorted by id; found by the backend object's identity, else by a binary search of the ids). Lock-free
 * and allocation-free.
 *
 * <p>Handover: a request counts itself in its backend's in-flight word ({@link BackendStats#start}: one atomic of
 * epoch and count). The epoch it sees there says which later generations were seeded with it (those up to and including
 * that epoch were sealed before, so it starts them itself) and, at completion, which later generations it must
 * release with {@link Outcome#IGNORED}. Every later generation thus gets exactly one start and one end.
 */
final class PoolSelector implements Selector {

    final Generation generation;
    final Picker picker;
    final BackendSet set;
    private final String[] ids;
    private final BackendStats[] stats;
    /**
     * The stats of {@link #set}'s backends by object identity, the request path's lookup (the proxy reports the very
     * object the picker returned): open addressing, the backend at {@code 2s} and its stats at {@code 2s + 1}, at
     * most half of the slots used. One identity hash and about one slot read, where the search by id compares
     * about log2(n) id strings, twice per request.
     */
    private final Object[] bySet;
    private final int slotMask;
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
        int slots = Integer.highestOneBit(Math.max(2, set.size()) * 2 - 1) << 1; // a power of two >= 2n
        this.slotMask = slots - 1;
        this.bySet = new Object[2 * slots];
        for (int i = 0; i < set.size(); i++) {
            Backend b = set.get(i);
            BackendStats s = find(b.id());
            if (s == null) {
                continue; // the set is made of members, so this cannot happen; if it did, find answers null by id
            }
            int slot = slot(b);
            while (bySet[2 * slot] != null) {
                slot = (slot + 1) & slotMask;
            }
            bySet[2 * slot] = b;
            bySet[2 * slot + 1] = s;
        }
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
        onStart(backend, pool.ticker.read());
    }

    @Override
    public void onStart(Backend backend, long nowNanos) {
        Generation g = generation;
        BackendStats s = find(backend);
        int epoch = g.epoch;
        if (s != null) {
            epoch = s.start();
        }
        g.feedback.onStart(backend, nowNanos);
        Generation next = g.successor;
        if (next != null) {
            // generations sealed before this request counted itself were not seeded with it: start them here
            for (Generation h = next; h != null && h.epoch - epoch <= 0; h = h.successor) {
                h.feedback.onStart(backend, nowNanos);
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
        BackendStats s = find(backend);
        int epoch = g.epoch;
        if (s != null) {
            epoch = s.end();
            if (outcome == Outcome.FAILURE) {
                s.failed();
                int threshold = pool.consecutiveFailuresToEject;
                if (threshold > 0 && s.failedInARow() == threshold) {
                    pool.requestEjection(s); // rare: hands the work to the pool's writer
                }
            } else if (outcome == Outcome.SUCCESS) {
                s.succeeded();
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

    /**
     * The stats of the member {@code backend}: by identity when it is an object of {@link #set}, else by id (an equal
     * backend of another snapshot, or a member outside the set); null when not a member. Allocation-free.
     */
    BackendStats find(Backend backend) {
        Object[] t = bySet;
        int slot = slot(backend);
        Object found;
        while ((found = t[2 * slot]) != null) {
            if (found == backend) {
                return (BackendStats) t[2 * slot + 1];
            }
            slot = (slot + 1) & slotMask;
        }
        return find(backend.id());
    }

    private int slot(Backend b) {
        int h = System.identityHashCode(b);
        return (h ^ (h >>> 16)) & slotMask;
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
