package io.optiflow.lb.algorithms.leastconnections;

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
final class LeastConnectionsStrategy implements Strategy {

    private final LeastConnectionsConfig config;
    private final RandomSource random;
    private final InFlightCounts inFlight = new InFlightCounts();

    LeastConnectionsStrategy(LeastConnectionsConfig config, RandomSource random) {
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
        // the scan cursor starts at a random backend, so replicas that all see idle backends do not pick the same one
        int start = n == 1 ? 0 : random.nextInt(n);
        return new LeastConnectionsPicker(healthy, weights, counters, start);
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
