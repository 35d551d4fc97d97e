package io.optiflow.lb.algorithms.latencyweighted;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Ticker;

/**
 * Power of two choices over one immutable snapshot: draws two distinct backends, sends the request to the
 * cheaper one that has a token, and falls back to any backend with a token when both are at their rate limit.
 */
final class LatencyWeightedPicker implements Picker {

    private final Backend[] backends;
    private final BackendState[] states;
    /** Weights by index, read once here rather than through each backend on every pick. */
    private final int[] weights;
    private final Ticker ticker;
    private final RandomSource random;
    private final double exploration;

    LatencyWeightedPicker(Backend[] backends, BackendState[] states, Ticker ticker, RandomSource random,
                          double exploration) {
        this.backends = backends;
        this.states = states;
        this.weights = new int[backends.length];
        for (int i = 0; i < backends.length; i++) {
            weights[i] = backends[i].weight();
        }
        this.ticker = ticker;
        this.random = random;
        this.exploration = exploration;
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        int n = backends.length;
        long now = ticker.read(); // the one clock read of a pick; the start that follows reuses it
        if (n == 1) {
            return take(0, now) ? backends[0] : Rejection.RATE_LIMITED;
        }
        // Draw order is part of the contract the scripted tests state: [exploration double], first, second.
        if (exploration > 0.0 && random.nextDouble() < exploration) {
            int k = random.nextInt(n);
            if (take(k, now)) {
                return backends[k];
            }
        }
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++; // two distinct backends
        }
        // A tie goes to the first draw, which is itself uniform, so ties favour no backend.
        int best = i;
        int other = j;
        if (states[j].cost(now, weights[j]) < states[i].cost(now, weights[i])) {
            best = j;
            other = i;
        }
        if (take(best, now)) {
            return backends[best];
        }
        if (take(other, now)) {
            return backends[other];
        }
        // Both candidates are at their limit: any backend with a token, scanning from the first draw.
        for (int k = 1; k < n; k++) {
            int idx = i + k < n ? i + k : i + k - n;
            if (idx != j && take(idx, now)) {
                return backends[idx];
            }
        }
        return Rejection.RATE_LIMITED;
    }

    /** Takes a token of backend {@code k} if it has one, and dates its coming start by this pick. */
    private boolean take(int k, long now) {
        BackendState s = states[k];
        if (!s.tryAcquire(now)) {
            return false;
        }
        s.picked(now);
        return true;
    }
}
