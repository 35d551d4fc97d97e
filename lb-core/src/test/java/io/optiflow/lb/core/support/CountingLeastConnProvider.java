package io.optiflow.lb.core.support;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A least-connections strategy for lb-core's tests (the built-ins are written elsewhere): counts in-flight per
 * backend id, exposes the counts, and records every instance it makes so a test can inspect the one in force.
 * Also counts in-flight going below zero, which a correct handover never causes.
 */
public final class CountingLeastConnProvider implements StrategyProvider<Integer> {

    public static final String NAME = "test-least-conn";
    /** Every strategy made, oldest first. */
    public static final List<Counting> MADE = new CopyOnWriteArrayList<>();

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .intAttribute("bias", 0, 0, 100, "A number the tests use to tell configs apart.")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Least in-flight requests (lb-core test strategy).";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public ConfigResult<Integer> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).map(v -> v.getInt("bias"));
    }

    @Override
    public Strategy newStrategy(Integer config, StrategyContext context) {
        Counting s = new Counting(config);
        MADE.add(s);
        return s;
    }

    /** The strategy: in-flight per backend id, picks the lowest (first in id order on a tie). */
    public static final class Counting implements Strategy, LoadFeedback {
        public final int bias;
        private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        public final AtomicLong negatives = new AtomicLong();
        public volatile boolean closed;
        public final AtomicInteger updates = new AtomicInteger();

        Counting(int bias) {
            this.bias = bias;
        }

        @Override
        public Picker update(BackendSet healthy) {
            updates.incrementAndGet();
            for (Backend b : healthy.backends()) {
                inFlight.computeIfAbsent(b.id(), k -> new AtomicInteger());
            }
            AtomicInteger[] counts = new AtomicInteger[healthy.size()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = inFlight.get(healthy.get(i).id());
            }
            return ctx -> {
                if (counts.length == 0) {
                    return Rejection.NO_BACKEND;
                }
                int best = 0;
                for (int i = 1; i < counts.length; i++) {
                    if (counts[i].get() < counts[best].get()) {
                        best = i;
                    }
                }
                PickResult r = healthy.get(best);
                return r;
            };
        }

        @Override
        public LoadFeedback feedback() {
            return this;
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void onStart(Backend backend) {
            AtomicInteger c = inFlight.get(backend.id());
            if (c != null) {
                c.incrementAndGet();
            }
        }

        @Override
        public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
            AtomicInteger c = inFlight.get(backend.id());
            if (c != null && c.decrementAndGet() < 0) {
                negatives.incrementAndGet();
            }
        }

        /** In-flight requests this strategy counts for a backend (0 if unknown). */
        public int inFlight(String id) {
            AtomicInteger c = inFlight.get(id);
            return c == null ? 0 : c.get();
        }

        /** Sum over all backends. */
        public int totalInFlight() {
            int sum = 0;
            for (AtomicInteger c : inFlight.values()) {
                sum += c.get();
            }
            return sum;
        }
    }
}
