package io.optiflow.lb.algorithms.consistenthash;

import io.optiflow.lb.algorithms.support.StripedCounter;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Immutable over one snapshot: the ring, the backends and their (shared, live) in-flight counters. A pick is the
 * ring's owner of the key ({@link HashRing#ownerOf}), then, only when that backend is over its bound, a clockwise
 * walk from the key's position past backends over their bound; no lock, no allocation.
 */
final class ConsistentHashPicker implements Picker {

    private final BackendSet backends;
    private final HashRing ring;
    private final AtomicInteger[] inFlight;
    private final StripedCounter totalInFlight;
    /** Per backend: load-factor (thousandths) x weight; the bound is {@code ceil(scaled * (total + 1) / denominator)}. */
    private final long[] scaledShare;
    private final long denominator;

    ConsistentHashPicker(BackendSet backends, HashRing ring, AtomicInteger[] inFlight, StripedCounter totalInFlight,
                         long loadFactorMillis) {
        this.backends = backends;
        this.ring = ring;
        this.inFlight = inFlight;
        this.totalInFlight = totalInFlight;
        this.scaledShare = new long[backends.size()];
        for (int i = 0; i < scaledShare.length; i++) {
            scaledShare[i] = loadFactorMillis * backends.get(i).weight();
        }
        this.denominator = 1000L * backends.totalWeight();
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        long key = ctx.hashKey();
        int first = ring.ownerOf(key);
        // An idle backend is always within its bound (the bound is at least 1), so the common case reads
        // neither the shared total nor the ring's position of the key.
        if (inFlight[first].get() <= 0) {
            return backends.get(first);
        }
        // Fair share counts the request being placed.
        long total = Math.max(0L, totalInFlight.sum()) + 1;
        if (fits(first, total)) {
            return backends.get(first);
        }
        int start = ring.locate(key);
        int[] owners = ring.owners;
        int n = owners.length;
        int previous = first;
        for (int step = 1; step < n; step++) {
            int j = start + step;
            if (j >= n) {
                j -= n;
            }
            int owner = owners[j];
            if (owner != previous) {
                if (fits(owner, total)) {
                    return backends.get(owner);
                }
                previous = owner;
            }
        }
        // Every backend is at its bound: only possible while counters move under us. Stay sticky.
        return backends.get(first);
    }

    /** {@code inFlight + 1 <= ceil(c * total * w / W)}, in integers. */
    private boolean fits(int owner, long total) {
        long bound = (scaledShare[owner] * total + denominator - 1) / denominator;
        return inFlight[owner].get() < bound;
    }
}
