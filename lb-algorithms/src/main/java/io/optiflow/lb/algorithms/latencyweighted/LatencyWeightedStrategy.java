package io.optiflow.lb.algorithms.latencyweighted;

import io.optiflow.lb.algorithms.support.BackendMap;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.Ticker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The control side: builds a picker per snapshot and owns the per-backend state, keyed by id. One writer calls
 * {@link #update}; the feedback runs on request threads against the map published by the last update.
 */
final class LatencyWeightedStrategy implements Strategy {

    private final LatencyWeightedConfig config;
    private final Tuning tuning;
    private final Ticker ticker;
    private final RandomSource random;
    private final Feedback feedback = new Feedback();

    /**
     * States the feedback may meet: the current backends (by identity, the usual case, or by id), plus removed ones
     * that still have requests in flight (so their completions still release a slot). Replaced, never mutated, by
     * the writer.
     */
    private volatile BackendMap<BackendState> states =
            BackendMap.of(BackendSet.of(List.of()), new BackendState[0], Map.of());
    private BackendSet lastSet;
    private Picker lastPicker;

    LatencyWeightedStrategy(LatencyWeightedConfig config, Ticker ticker, RandomSource random) {
        this.config = config;
        this.tuning = new Tuning(config);
        this.ticker = ticker;
        this.random = random;
    }

    @Override
    public Picker update(BackendSet healthy) {
        if (lastPicker != null && healthy.equals(lastSet)) {
            return lastPicker; // nothing changed: keep the picker
        }
        Map<String, BackendState> previous = states.values();
        Map<String, BackendState> next = new HashMap<>();
        int n = healthy.size();
        Backend[] backends = new Backend[n];
        BackendState[] byIndex = new BackendState[n];
        long now = ticker.read();
        for (int i = 0; i < n; i++) {
            Backend b = healthy.get(i);
            BackendState s = previous.get(b.id());
            if (s == null) {
                s = new BackendState(b.id(), now);
            }
            backends[i] = b;
            byIndex[i] = s;
            next.put(b.id(), s);
        }
        for (BackendState s : previous.values()) {
            // A removed backend's state lives on while requests to it are in flight, then is dropped:
            // if it comes back later it is measured afresh.
            if (!next.containsKey(s.id()) && s.inFlight() > 0) {
                next.put(s.id(), s);
            }
        }
        states = BackendMap.of(healthy, byIndex, next);
        lastSet = healthy;
        lastPicker = n == 0 ? Picker.NO_BACKEND
                : new LatencyWeightedPicker(backends, byIndex, ticker, random, config, tuning, now);
        return lastPicker;
    }

    @Override
    public LoadFeedback feedback() {
        return feedback;
    }

    private final class Feedback implements LoadFeedback {

        @Override
        public void onStart(Backend backend) {
            onStart(backend, ticker.read());
        }

        @Override
        public void onStart(Backend backend, long nowNanos) {
            BackendState s = states.get(backend);
            if (s != null) {
                s.onStart(nowNanos); // the proxy's reading: no clock read here
            }
        }

        @Override
        public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
            onComplete(backend, latencyNanos, outcome, ticker.read());
        }

        @Override
        public void onComplete(Backend backend, long latencyNanos, Outcome outcome, long nowNanos) {
            BackendState s = states.get(backend);
            if (s == null) {
                return; // a backend we no longer know
            }
            s.release();
            if (outcome == Outcome.IGNORED) {
                return; // handed over from another strategy, or the client left: learn nothing
            }
            double rtt = Math.max(0L, latencyNanos);
            if (outcome == Outcome.FAILURE) {
                rtt = Math.max(rtt, config.failurePenaltyNanos());
            }
            s.sample(rtt, nowNanos, tuning); // the proxy's reading: no clock read here
        }
    }
}
