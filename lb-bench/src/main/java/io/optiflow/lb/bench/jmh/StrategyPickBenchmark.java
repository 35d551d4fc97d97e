package io.optiflow.lb.bench.jmh;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.core.ThreadLocalRandomSource;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.api.spi.Ticker;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request's worth of strategy work on the data plane: {@code pick} plus {@code onStart} and {@code onComplete}
 * on its feedback, with the proxy's clock readings passed as the proxy does, for every built-in strategy (looked up by name through {@link ServiceLoader}, as the server
 * does), over 8 and 1,000 backends, on one thread and on two (shared counters contend there).
 *
 * <p>Goal (STYLE.md): well under 50 ns per pick and about 0 B/op with {@code -prof gc}. Run:
 * <pre>
 * java -jar lb-bench/target/benchmarks.jar StrategyPickBenchmark -f 1 -wi 2 -w 1 -i 3 -r 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StrategyPickBenchmark {

    /** Request contexts cycled through; a power of two so the index is a mask. */
    private static final int CONTEXTS = 1024;
    /** How far the clock moves between two operations of a thread (about a request every 50 ns). */
    private static final long STEP_NANOS = 50;

    @Param({"round-robin", "weighted-round-robin", "least-connections", "random", "power-of-two",
            "latency-weighted", "consistent-hash"})
    public String strategy;

    @Param({"8", "1000"})
    public int backends;

    private ScheduledExecutorService scheduler;
    private Strategy instance;
    private Picker picker;
    private LoadFeedback feedback;
    private RequestContext[] contexts;
    /** Per-context latency, so latency-aware strategies see backends that differ (1 to 4.9 ms). */
    private long[] latencies;
    /** Per context, the backend a pick chose in set-up (for {@link #feedbackOnly}). */
    private Backend[] picked;

    @Setup(Level.Trial)
    public void setUp() {
        StrategyProvider<Object> provider = provider(strategy);
        ConfigResult<Object> config = provider.parseConfig(Map.of());
        if (!config.isValid()) {
            throw new IllegalStateException(strategy + ": default config invalid: " + config.errors());
        }
        scheduler = scheduler();
        instance = provider.newStrategy(config.config(), context(scheduler));
        picker = instance.update(backendSet(backends));
        feedback = instance.feedback();
        contexts = contexts();
        latencies = latencies();
        picked = new Backend[CONTEXTS];
        for (int i = 0; i < CONTEXTS; i++) {
            PickResult r = picker.pick(contexts[i]);
            if (!r.isBackend()) {
                throw new IllegalStateException(strategy + ": no backend for context " + i + ": " + r);
            }
            picked[i] = r.backend();
            feedback.onStart(picked[i]);
            feedback.onComplete(picked[i], latencies[i], Outcome.SUCCESS);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        instance.close();
        scheduler.shutdownNow();
    }

    /**
     * Per-thread cursor over the contexts, so two threads do not share (and contend on) one counter. Also used by
     * the scorecard's pick benchmark, so a plug-in is measured in the proxy's shape too.
     */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        /**
         * The proxy's clock reading (it reads the clock once per attempt, before the pick, and once at the end):
         * read once per round of contexts (not strategy cost) and moved on by {@link #STEP_NANOS} per operation in
         * between, so that every operation has a time of its own, as every proxied request does (a time that stood
         * still for a round let a strategy skip its decay arithmetic for samples "at the same instant").
         */
        public long now = System.nanoTime();
        /** The context of the current operation, with {@link #now} as its pick time: the proxy's shape. */
        final TimedContext context = new TimedContext();

        /** The next context index; moves {@link #now} on (a clock read once per round of contexts). */
        public int advance() {
            int i = next++ & (CONTEXTS - 1);
            // never backwards (a proxy's readings are monotonic), whether the operations run faster or slower
            now = i == 0 ? Math.max(System.nanoTime(), now + STEP_NANOS) : now + STEP_NANOS;
            return i;
        }

        /** {@code request} with {@link #now} as its pick time. */
        public RequestContext timed(RequestContext request) {
            context.request = request;
            context.now = now;
            return context;
        }
    }

    /** A request context that carries the caller's clock reading, as the proxy's does. One per thread, reused. */
    static final class TimedContext implements RequestContext {
        RequestContext request;
        long now;

        @Override
        public String method() {
            return request.method();
        }

        @Override
        public String path() {
            return request.path();
        }

        @Override
        public long hashKey() {
            return request.hashKey();
        }

        @Override
        public long nowNanos() {
            return now;
        }
    }

    @Benchmark
    public PickResult pickAndFeedback(Cursor cursor) {
        return pickAndReport(cursor);
    }

    @Benchmark
    @Threads(2)
    public PickResult pickAndFeedback2Threads(Cursor cursor) {
        return pickAndReport(cursor);
    }

    /**
     * The same with the older forms: a context without the pick time, the one-argument {@code onStart} and the
     * three-argument {@code onComplete} (no start or completion time): a strategy that needs the time then reads its
     * own clock. Run alone to see what passing the time saves:
     * {@code -p strategy=latency-weighted 'StrategyPickBenchmark.pickAndFeedback(OlderForm)?$'}.
     */
    @Benchmark
    public PickResult pickAndFeedbackOlderForm(Cursor cursor) {
        int i = cursor.next++ & (CONTEXTS - 1);
        PickResult r = picker.pick(contexts[i]);
        if (r.isBackend()) {
            Backend b = r.backend();
            feedback.onStart(b);
            feedback.onComplete(b, latencies[i], Outcome.SUCCESS);
        }
        return r;
    }

    /**
     * The pick alone (a load-aware strategy then sees an idle pool throughout): with {@link #feedbackOnly}, where
     * the time of {@link #pickAndFeedback} goes. Run alone: {@code 'StrategyPickBenchmark.(pickOnly|feedbackOnly)$'}.
     */
    @Benchmark
    public PickResult pickOnly(Cursor cursor) {
        return picker.pick(cursor.timed(contexts[cursor.advance()]));
    }

    /** {@code onStart} and {@code onComplete} with the time alone, on the backends picks chose in set-up. */
    @Benchmark
    public Backend feedbackOnly(Cursor cursor) {
        int i = cursor.advance();
        Backend b = picked[i];
        feedback.onStart(b, cursor.now);
        feedback.onComplete(b, latencies[i], Outcome.SUCCESS, cursor.now);
        return b;
    }

    private PickResult pickAndReport(Cursor cursor) {
        int i = cursor.advance();
        PickResult r = picker.pick(cursor.timed(contexts[i]));
        if (r.isBackend()) {
            Backend b = r.backend();
            // The proxy passes the times it read: before the pick, and at the end to measure the latency (here
            // one reading stands for both; only its refresh per round of contexts is a clock read).
            feedback.onStart(b, cursor.now);
            feedback.onComplete(b, latencies[i], Outcome.SUCCESS, cursor.now);
        }
        return r;
    }

    /** A daemon scheduler for the strategy's background work. */
    static ScheduledExecutorService scheduler() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    /** The server's kind of context: the system clock and the lock-free random source. */
    static StrategyContext context(ScheduledExecutorService scheduler) {
        return StrategyContext.of("bench", Ticker.SYSTEM, ThreadLocalRandomSource.INSTANCE, scheduler);
    }

    /** {@link #CONTEXTS} request contexts with distinct hash keys. */
    static RequestContext[] contexts() {
        RequestContext[] contexts = new RequestContext[CONTEXTS];
        for (int i = 0; i < CONTEXTS; i++) {
            contexts[i] = RequestContext.of("/bench/" + i, RequestContext.hash("client-" + i));
        }
        return contexts;
    }

    /** Per context, the latency to report: 1 to 4.9 ms. */
    static long[] latencies() {
        long[] latencies = new long[CONTEXTS];
        for (int i = 0; i < CONTEXTS; i++) {
            latencies[i] = 1_000_000L + (i % 40) * 100_000L;
        }
        return latencies;
    }

    /** {@code n} loopback backends with weights 1 to 4, so weight-aware strategies have work to do. */
    static BackendSet backendSet(int n) {
        List<Backend> list = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            list.add(new Backend(String.format("b%04d", i), "127.0.0.1", 10_000 + i, 1 + (i % 4), Map.of()));
        }
        return BackendSet.of(list);
    }

    /** The available provider with this name and the highest priority, as the server's registry picks it. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static StrategyProvider<Object> provider(String name) {
        StrategyProvider best = null;
        Iterator<StrategyProvider> it = ServiceLoader.load(StrategyProvider.class).iterator();
        for (int guard = 0; guard < 10_000; guard++) {
            StrategyProvider p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                continue; // one broken entry (a provider listed but missing) must not hide the others
            }
            if (p.name().equals(name) && p.isAvailable() && (best == null || p.priority() > best.priority())) {
                best = p;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no strategy named '" + name + "' on the class path"
                    + " (expected: listed in META-INF/services/io.optiflow.lb.api.spi.StrategyProvider)");
        }
        return best;
    }
}
