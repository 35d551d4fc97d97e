package io.optiflow.lb.algorithms.weightedroundrobin;

import io.optiflow.lb.algorithms.support.Weights;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;

/**
 * Computes nginx's smooth weighted round-robin sequence once per snapshot, so a pick is one array read. Keeps no
 * load state. Writer-only fields.
 */
final class WeightedRoundRobinStrategy implements Strategy {

    private final WeightedRoundRobinConfig config;
    private final RandomSource random;
    private WeightedRoundRobinPicker last;

    WeightedRoundRobinStrategy(WeightedRoundRobinConfig config, RandomSource random) {
        this.config = config;
        this.random = random;
    }

    @Override
    public Picker update(BackendSet healthy) {
        if (healthy.isEmpty()) {
            return Picker.NO_BACKEND;
        }
        int[] sequence = smoothSequence(Weights.reduced(healthy, config.maxCycle()));
        long start;
        if (config.randomStart()) {
            // every replica starting at 0 would send its first requests to the heaviest backend in step
            start = sequence.length == 1 ? 0 : random.nextInt(sequence.length);
        } else {
            start = last == null ? 0 : last.position();
        }
        last = new WeightedRoundRobinPicker(healthy, sequence, start);
        return last;
    }

    /**
     * nginx's smooth weighted round robin, run for one full cycle: each step every backend's current value grows
     * by its weight, the largest (first on a tie) is picked and drops by the total. After {@code sum(weights)}
     * steps all values are back at 0, so the cycle repeats exactly. Cost O(cycle x backends), on the writer.
     */
    static int[] smoothSequence(int[] weights) {
        int n = weights.length;
        int total = (int) Weights.sum(weights);
        int[] sequence = new int[total];
        long[] current = new long[n];
        for (int step = 0; step < total; step++) {
            int best = 0;
            long bestValue = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                long v = current[i] += weights[i];
                if (v > bestValue) {
                    best = i;
                    bestValue = v;
                }
            }
            current[best] -= total;
            sequence[step] = best;
        }
        return sequence;
    }
}
