package io.optiflow.lb.algorithms.leastconnections;

import io.optiflow.lb.algorithms.support.InFlightCounts;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An exact O(n) scan: reads every backend's in-flight counter once and keeps the lowest load per unit of weight.
 * The scan starts one place further on each pick, and only a strictly lower load replaces the best so far, so
 * equally loaded backends take turns. Counts move while the scan runs; the result is exact for what was read.
 * Measured on this 2-core machine (busy, so rough): with feedback about 50 ns per pick at 8 backends, 210 ns at
 * 64, 0.7 us at 256, 3.8 us at 1,000 when no backend is idle; power-of-two stays at 40-70 ns.
 */
final class LeastConnectionsPicker implements Picker {

    private final BackendSet backends;
    private final int[] weights;
    private final AtomicInteger[] inFlight;
    private final int size;
    private final AtomicLong rotation;

    LeastConnectionsPicker(BackendSet backends, int[] weights, AtomicInteger[] inFlight, int start) {
        this.backends = backends;
        this.weights = weights;
        this.inFlight = inFlight;
        this.size = backends.size();
        this.rotation = new AtomicLong(start);
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        int n = size;
        if (n == 1) {
            return backends.get(0);
        }
        int best = (int) ((rotation.getAndIncrement() & Long.MAX_VALUE) % n);
        int bestLoad = inFlight[best].get();
        int bestWeight = weights[best];
        int i = best;
        // an idle backend cannot be strictly beaten, so the scan stops at the first one (light load: short scans)
        for (int k = 1; k < n && bestLoad != 0; k++) {
            if (++i == n) {
                i = 0;
            }
            int load = inFlight[i].get();
            if (InFlightCounts.lessLoaded(load, weights[i], bestLoad, bestWeight)) {
                best = i;
                bestLoad = load;
                bestWeight = weights[i];
            }
        }
        return backends.get(best);
    }
}
