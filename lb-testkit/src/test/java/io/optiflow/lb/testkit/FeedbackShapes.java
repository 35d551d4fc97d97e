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
import io.optiflow.lb.api.spi.Ticker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One least-loaded strategy in the two shapes a plug-in's feedback may have: {@link OlderFormsProvider}'s
 * implements only {@code onStart(backend)} and the three-argument {@code onComplete} (a plug-in built against an
 * lb-api without the forms that carry the caller's time), {@link NewerFormsProvider}'s overrides those forms and
 * makes the older ones read its ticker and call them. Each counts what reached it in a {@link Tally}, so
 * {@link StrategyContractShapesTest} can tell that the contract drove the form it was meant to.
 */
final class FeedbackShapes {

    private FeedbackShapes() {
    }

    /** What one shape's strategies were told, over a contract run. */
    static final class Tally {
        /** Starts of known backends through {@code onStart(backend)}. */
        final AtomicLong olderStarts = new AtomicLong();
        /** Starts of known backends through {@code onStart(backend, nowNanos)} (never, for the older shape). */
        final AtomicLong newerStarts = new AtomicLong();
        /** Completions of known backends, whatever the form. */
        final AtomicLong completions = new AtomicLong();
        /** Completions that found the backend's count at zero: a start that never arrived. */
        final AtomicLong negatives = new AtomicLong();
        /** Newer-form calls whose time was not the strategy's ticker's reading. */
        final AtomicLong otherClock = new AtomicLong();

        void reset() {
            olderStarts.set(0);
            newerStarts.set(0);
            completions.set(0);
            negatives.set(0);
            otherClock.set(0);
        }
    }

    static final Tally OLDER = new Tally();
    static final Tally NEWER = new Tally();

    private static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .intAttribute("spare", 1, 0, 10, "A number the strategy does not use.")
            .build();

    /** The provider of one shape: the schema and parsing they share. */
    private abstract static class ShapeProvider implements StrategyProvider<Integer> {
        @Override
        public ConfigSchema configSchema() {
            return SCHEMA;
        }

        @Override
        public ConfigResult<Integer> parseConfig(Map<String, String> raw) {
            return SCHEMA.parse(raw).map(v -> v.getInt("spare"));
        }
    }

    /** The strategy that knows only the older forms. */
    public static final class OlderFormsProvider extends ShapeProvider {
        @Override
        public String name() {
            return "older-forms-least-loaded";
        }

        @Override
        public Strategy newStrategy(Integer config, StrategyContext context) {
            return new OlderForms();
        }
    }

    /** The strategy that overrides the newer forms. */
    public static final class NewerFormsProvider extends ShapeProvider {
        @Override
        public String name() {
            return "newer-forms-least-loaded";
        }

        @Override
        public Strategy newStrategy(Integer config, StrategyContext context) {
            return new NewerForms(context.ticker());
        }
    }

    /**
     * Least requests in flight, ties broken from a rotating start. Counts by backend id, kept across snapshots (a
     * removed backend's count stays, so its late completions still find it).
     */
    private abstract static class LeastLoaded implements Strategy, LoadFeedback {

        private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        private final AtomicInteger cursor = new AtomicInteger();
        final Tally tally;

        LeastLoaded(Tally tally) {
            this.tally = tally;
        }

        @Override
        public Picker update(BackendSet healthy) {
            int n = healthy.size();
            if (n == 0) {
                return Picker.NO_BACKEND;
            }
            Backend[] backends = healthy.backends().toArray(new Backend[0]);
            AtomicInteger[] counts = new AtomicInteger[n];
            for (int i = 0; i < n; i++) {
                counts[i] = inFlight.computeIfAbsent(backends[i].id(), id -> new AtomicInteger());
            }
            return ctx -> pick(backends, counts);
        }

        private PickResult pick(Backend[] backends, AtomicInteger[] counts) {
            int n = backends.length;
            int start = Math.floorMod(cursor.getAndIncrement(), n);
            int best = start;
            for (int k = 1; k < n; k++) {
                int i = (start + k) % n;
                if (counts[i].get() < counts[best].get()) {
                    best = i;
                }
            }
            return backends[best];
        }

        @Override
        public LoadFeedback feedback() {
            return this;
        }

        /** Counts a start of a known backend; false for one it does not know. */
        boolean started(Backend backend) {
            AtomicInteger c = inFlight.get(backend.id());
            if (c == null) {
                return false;
            }
            c.incrementAndGet();
            return true;
        }

        @Override
        public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
            AtomicInteger c = inFlight.get(backend.id());
            if (c == null) {
                return;
            }
            tally.completions.incrementAndGet();
            if (c.decrementAndGet() < 0) {
                c.incrementAndGet();
                tally.negatives.incrementAndGet();
            }
        }
    }

    private static final class OlderForms extends LeastLoaded {
        OlderForms() {
            super(OLDER);
        }

        @Override
        public void onStart(Backend backend) {
            if (started(backend)) {
                tally.olderStarts.incrementAndGet();
            }
        }
    }

    private static final class NewerForms extends LeastLoaded {
        private final Ticker ticker;

        NewerForms(Ticker ticker) {
            super(NEWER);
            this.ticker = ticker;
        }

        @Override
        public void onStart(Backend backend) {
            tally.olderStarts.incrementAndGet();
            onStart(backend, ticker.read());
        }

        @Override
        public void onStart(Backend backend, long nowNanos) {
            if (nowNanos != ticker.read()) {
                tally.otherClock.incrementAndGet();
            }
            if (started(backend)) {
                tally.newerStarts.incrementAndGet();
            }
        }

        @Override
        public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
            onComplete(backend, latencyNanos, outcome, ticker.read());
        }

        @Override
        public void onComplete(Backend backend, long latencyNanos, Outcome outcome, long nowNanos) {
            if (nowNanos != ticker.read()) {
                tally.otherClock.incrementAndGet();
            }
            super.onComplete(backend, latencyNanos, outcome);
        }
    }
}
