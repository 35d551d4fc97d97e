package io.optiflow.lb.algorithms.poweroftwo;

import io.optiflow.lb.algorithms.support.InFlightCounts;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import java.util.concurrent.atomic.AtomicInteger;

/** Two draws, two counter reads, one comparison: constant cost whatever the pool size. */
final class PowerOfTwoPicker implements Picker {

    private final BackendSet backends;
    private final int[] weights;
    private final AtomicInteger[] inFlight;
    private final int size;
    private final RandomSource random;

    PowerOfTwoPicker(BackendSet backends, int[] weights, AtomicInteger[] inFlight, RandomSource random) {
        this.backends = backends;
        this.weights = weights;
        this.inFlight = inFlight;
        this.size = backends.size();
        this.random = random;
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        int n = size;
        if (n == 1) {
            return backends.get(0);
        }
        int first = random.nextInt(n);
        // uniform over the other n - 1: skip over the first draw instead of redrawing on a collision
        int second = random.nextInt(n - 1);
        if (second >= first) {
            second++;
        }
        // the second wins only when strictly less loaded: ties go to the first drawn
        return InFlightCounts.lessLoaded(inFlight[second].get(), weights[second],
                inFlight[first].get(), weights[first]) ? backends.get(second) : backends.get(first);
    }
}
