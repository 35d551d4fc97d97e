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
        for (int k = 1; k < n; k++) {
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
