package io.optiflow.lb.algorithms.random;

import io.optiflow.lb.algorithms.support.Weights;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;

/** Builds Vose's alias table once per snapshot, so a pick costs one or two draws. Keeps no load state. */
final class RandomStrategy implements Strategy {

    /** Keeps the total weight, the coin's bound, well inside an int even for huge pools. */
    private static final long MAX_TOTAL = 1L << 30;

    private final RandomConfig config;
    private final RandomSource random;

    RandomStrategy(RandomConfig config, RandomSource random) {
        this.config = config;
        this.random = random;
    }

    @Override
    public Picker update(BackendSet healthy) {
        int n = healthy.size();
        if (n == 0) {
            return Picker.NO_BACKEND;
        }
        int[] weights = config.respectWeights() ? Weights.reduced(healthy, MAX_TOTAL) : Weights.of(healthy, false);
        int total = (int) Weights.sum(weights);
        int[] threshold = new int[n];
        int[] alias = new int[n];
        buildAliasTable(weights, total, threshold, alias);
        return new RandomPicker(healthy, threshold, alias, total, random);
    }

    /**
     * Vose's alias method in exact integer arithmetic. Every column holds {@code total} units; backend i owns
     * {@code weights[i] * n} units over all columns. Column c keeps {@code threshold[c]} units for backend c and
     * gives the rest to {@code alias[c]}. A full column ({@code threshold == total}) needs no coin.
     */
    static void buildAliasTable(int[] weights, int total, int[] threshold, int[] alias) {
        int n = weights.length;
        long[] units = new long[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int smallTop = 0;
        int largeTop = 0;
        for (int i = 0; i < n; i++) {
            units[i] = (long) weights[i] * n;
            if (units[i] < total) {
                small[smallTop++] = i;
            } else {
                large[largeTop++] = i;
            }
        }
        while (smallTop > 0 && largeTop > 0) {
            int s = small[--smallTop];
            int l = large[--largeTop];
            threshold[s] = (int) units[s];
            alias[s] = l;
            units[l] -= total - units[s];
            if (units[l] < total) {
                small[smallTop++] = l;
            } else {
                large[largeTop++] = l;
            }
        }
        // exact arithmetic leaves only full columns here (units == total); the small list is empty
        while (largeTop > 0) {
            int l = large[--largeTop];
            threshold[l] = total;
            alias[l] = l;
        }
        while (smallTop > 0) {
            int s = small[--smallTop];
            threshold[s] = total;
            alias[s] = s;
        }
    }
}
