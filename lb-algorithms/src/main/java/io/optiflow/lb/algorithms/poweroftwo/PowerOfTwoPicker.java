package io.optiflow.lb.algorithms.poweroftwo;

import io.optiflow.lb.algorithms.support.InFlightCounts;
import io.optiflow.lb.algorithms.support.TwoChoices;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import java.util.concurrent.atomic.AtomicInteger;

/** One 64-bit draw for two candidates, two counter reads, one comparison: constant cost whatever the pool size. */
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
        long draw = random.nextLong(); // both candidates from one draw
        int first = TwoChoices.first(draw, n);
        int second = TwoChoices.second(draw, n, first);
        // the second wins only when strictly less loaded: ties go to the first drawn
        return InFlightCounts.lessLoaded(inFlight[second].get(), weights[second],
                inFlight[first].get(), weights[first]) ? backends.get(second) : backends.get(first);
    }
}
