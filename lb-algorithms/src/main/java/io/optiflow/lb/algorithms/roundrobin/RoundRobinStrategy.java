package io.optiflow.lb.algorithms.roundrobin;

import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;

/** Keeps no load state; each update makes a picker that rotates over the new snapshot. Writer-only fields. */
final class RoundRobinStrategy implements Strategy {

    private final RoundRobinConfig config;
    private final RandomSource random;
    private RoundRobinPicker last;

    RoundRobinStrategy(RoundRobinConfig config, RandomSource random) {
        this.config = config;
        this.random = random;
    }

    @Override
    public Picker update(BackendSet healthy) {
        if (healthy.isEmpty()) {
            return Picker.NO_BACKEND;
        }
        long start;
        if (config.randomStart()) {
            // a fresh snapshot at position 0 everywhere would herd all replicas onto the first backend
            start = healthy.size() == 1 ? 0 : random.nextInt(healthy.size());
        } else {
            // restarting at 0 on every update would favour the first backends when updates are frequent
            start = last == null ? 0 : last.position();
        }
        last = new RoundRobinPicker(healthy, start);
        return last;
    }
}
