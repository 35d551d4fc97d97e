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
    private final Ticker ticker;
    private final RandomSource random;
    private final double exploration;

    LatencyWeightedPicker(Backend[] backends, BackendState[] states, Ticker ticker, RandomSource random,
                          double exploration) {
        this.backends = backends;
        this.states = states;
        this.ticker = ticker;
        this.random = random;
        this.exploration = exploration;
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        int n = backends.length;
        long now = ticker.read();
        if (n == 1) {
            return states[0].tryAcquire(now) ? backends[0] : Rejection.RATE_LIMITED;
        }
        // Draw order is part of the contract the scripted tests state: [exploration double], first, second.
        if (exploration > 0.0 && random.nextDouble() < exploration) {
            int k = random.nextInt(n);
            if (states[k].tryAcquire(now)) {
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
        if (states[j].cost(now, backends[j].weight()) < states[i].cost(now, backends[i].weight())) {
            best = j;
            other = i;
        }
        if (states[best].tryAcquire(now)) {
            return backends[best];
        }
        if (states[other].tryAcquire(now)) {
            return backends[other];
        }
        // Both candidates are at their limit: any backend with a token, scanning from the first draw.
        for (int k = 1; k < n; k++) {
            int idx = i + k < n ? i + k : i + k - n;
            if (idx != j && states[idx].tryAcquire(now)) {
                return backends[idx];
            }
        }
        return Rejection.RATE_LIMITED;
    }
}
