package io.optiflow.lb.testkit;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A round-robin strategy that keeps the contract ({@link Flaw#NONE}), and the same strategy with one mistake each,
 * the mistakes contributors make. {@link StrategyContractTestMessagesTest} runs the contract on each and checks
 * what its failure says.
 */
final class FlawedStrategies {

    private FlawedStrategies() {
    }

    /** One mistake each; {@link #NONE} keeps the whole contract. */
    enum Flaw {
        NONE,
        /** {@code name()} is a display name. */
        BAD_NAME,
        /** An attribute without a description. */
        NO_DESCRIPTION,
        /** {@code parseConfig} reads the map by hand: unknown keys pass, bad numbers throw. */
        PARSES_BY_HAND,
        /** {@code update(empty)} builds a picker over an empty array: modulo by zero. */
        EMPTY_DIVIDES_BY_ZERO,
        /** The picker reads the first snapshot's array, kept by the strategy, forever. */
        KEEPS_FIRST_SNAPSHOT,
        /** Modulo {@code length - 1}: the last backend is never reached. */
        SKIPS_LAST,
        /** A backend whose last outcome was FAILURE is passed over until a SUCCESS, which it never gets again. */
        STARVES_AFTER_FAILURE,
        /** Feedback indexes per-backend state without checking the backend is known. */
        UNKNOWN_BACKEND_THROWS,
        /** {@code close()} drops the array the picker reads. */
        CLOSE_BREAKS_PICKER,
        /** Each pick boxes a counter value. */
        ALLOCATES
    }

    /** The typed config: one attribute, so the config contract has something to check. */
    record Config(int spare) {
    }

    /** The provider; ServiceLoader makes the {@link Flaw#NONE} one. */
    public static final class Provider implements StrategyProvider<Config> {

        private static final ConfigSchema SCHEMA = ConfigSchema.builder()
                .intAttribute("spare", 1, 0, 10, "A number the strategy does not use.")
                .build();
        private static final ConfigSchema UNDESCRIBED = ConfigSchema.builder()
                .intAttribute("spare", 1, 0, 10, " ")
                .build();

        private final Flaw flaw;

        public Provider() {
            this(Flaw.NONE);
        }

        Provider(Flaw flaw) {
            this.flaw = flaw;
        }

        @Override
        public String name() {
            return flaw == Flaw.BAD_NAME ? "Flawed Round Robin" : "flawed-round-robin";
        }

        @Override
        public ConfigSchema configSchema() {
            return flaw == Flaw.NO_DESCRIPTION ? UNDESCRIBED : SCHEMA;
        }

        @Override
        public ConfigResult<Config> parseConfig(Map<String, String> raw) {
            if (flaw == Flaw.PARSES_BY_HAND) {
                return ConfigResult.valid(new Config(Integer.parseInt(raw.getOrDefault("spare", "1"))));
            }
            return configSchema().parse(raw).map(v -> new Config(v.getInt("spare")));
        }

        @Override
        public Strategy newStrategy(Config config, StrategyContext context) {
            return new RoundRobin(flaw);
        }
    }

    /** A provider nobody listed in {@code META-INF/services}. */
    public static final class UnlistedProvider implements StrategyProvider<Config> {

        private final Provider delegate = new Provider();

        @Override
        public String name() {
            return "unlisted-round-robin";
        }

        @Override
        public ConfigSchema configSchema() {
            return delegate.configSchema();
        }

        @Override
        public ConfigResult<Config> parseConfig(Map<String, String> raw) {
            return delegate.parseConfig(raw);
        }

        @Override
        public Strategy newStrategy(Config config, StrategyContext context) {
            return delegate.newStrategy(config, context);
        }
    }

    /** Round robin; per-backend "last outcome failed" flags for the snapshot, replaced on each update. */
    private static final class RoundRobin implements Strategy, LoadFeedback {

        private final Flaw flaw;
        private final AtomicInteger next = new AtomicInteger();
        private volatile State state = new State(new Backend[0], new AtomicIntegerArray(0), BackendSet.empty());
        private State first;

        RoundRobin(Flaw flaw) {
            this.flaw = flaw;
        }

        @Override
        public Picker update(BackendSet healthy) {
            State s = new State(healthy.backends().toArray(new Backend[0]), new AtomicIntegerArray(healthy.size()),
                    healthy);
            state = s;
            if (first == null) {
                first = s;
            }
            if (healthy.isEmpty() && flaw != Flaw.EMPTY_DIVIDES_BY_ZERO) {
                return Picker.NO_BACKEND;
            }
            return switch (flaw) {
                case KEEPS_FIRST_SNAPSHOT -> ctx -> pick(first.backends, first.failed);
                case CLOSE_BREAKS_PICKER -> ctx -> pick(state.backends, state.failed);
                default -> ctx -> pick(s.backends, s.failed);
            };
        }

        private PickResult pick(Backend[] backends, AtomicIntegerArray failed) {
            int n = flaw == Flaw.SKIPS_LAST ? backends.length - 1 : backends.length;
            int i = Math.floorMod(next.getAndIncrement(), n);
            if (flaw == Flaw.ALLOCATES) {
                sink = Integer.valueOf(1_000 + i); // outside the Integer cache: a new object
            }
            if (flaw == Flaw.STARVES_AFTER_FAILURE) {
                for (int k = 0; k < n; k++) {
                    int j = (i + k) % n;
                    if (failed.get(j) == 0) {
                        return backends[j];
                    }
                }
                return backends[0]; // all failed: the first one, for ever
            }
            return backends[i];
        }

        @SuppressWarnings("unused")
        private static volatile Object sink;

        @Override
        public LoadFeedback feedback() {
            return this;
        }

        @Override
        public void onStart(Backend backend) {
            State s = state;
            int i = s.set.indexOf(backend.id());
            if (i >= 0 || flaw == Flaw.UNKNOWN_BACKEND_THROWS) {
                s.failed.get(i);
            }
        }

        @Override
        public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
            State s = state;
            int i = s.set.indexOf(backend.id());
            if (i < 0 || outcome == Outcome.IGNORED) {
                return;
            }
            s.failed.set(i, outcome == Outcome.FAILURE ? 1 : 0);
        }

        @Override
        public void close() {
            if (flaw == Flaw.CLOSE_BREAKS_PICKER) {
                state = null;
            }
        }

        private record State(Backend[] backends, AtomicIntegerArray failed, BackendSet set) {
        }
    }
}
