package io.optiflow.lb.algorithms.poweroftwo;

import io.optiflow.lb.algorithms.support.InFlightCounts;
import io.optiflow.lb.algorithms.support.Weights;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns the in-flight counts (they outlive snapshots, keyed by backend id); each update hands the new picker the
 * counters of its snapshot.
 */
final class PowerOfTwoStrategy implements Strategy {

    private final PowerOfTwoConfig config;
    private final RandomSource random;
    private final InFlightCounts inFlight = new InFlightCounts();

    PowerOfTwoStrategy(PowerOfTwoConfig config, RandomSource random) {
        this.config = config;
        this.random = random;
    }

    @Override
    public Picker update(BackendSet healthy) {
        AtomicInteger[] counters = inFlight.update(healthy);
        int n = healthy.size();
        if (n == 0) {
            return Picker.NO_BACKEND;
        }
        int[] weights = Weights.of(healthy, config.respectWeights());
        return new PowerOfTwoPicker(healthy, weights, counters, random);
    }

    @Override
    public LoadFeedback feedback() {
        return inFlight;
    }

    /** Requests in flight on a backend, as counted; for tests. */
    int inFlight(String backendId) {
        return inFlight.inFlight(backendId);
    }
}
