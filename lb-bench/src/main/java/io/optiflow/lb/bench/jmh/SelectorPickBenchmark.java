package io.optiflow.lb.bench.jmh;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.pool.BackendEntry;
import io.optiflow.lb.core.pool.DefaultServicePool;
import io.optiflow.lb.core.pool.Selector;
import io.optiflow.lb.core.pool.StrategyInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * {@link StrategyPickBenchmark}'s request through the layer the proxy talks to: a service pool's {@link Selector}
 * (pick, then {@code onStart} and the four-argument {@code onComplete}), which adds the pool's own bookkeeping to the
 * strategy's: per-backend in-flight and request counts, the latency histogram, passive-health counters, and the
 * lookup of the backend's stats; on one thread and on two. Run: {@code java -jar lb-bench/target/benchmarks.jar SelectorPickBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SelectorPickBenchmark {

    @Param({"round-robin", "latency-weighted"})
    public String strategy;

    @Param({"8", "1000"})
    public int backends;

    private ScheduledExecutorService scheduler;
    private DefaultServicePool pool;
    private Selector selector;
    private RequestContext[] contexts;
    private long[] latencies;

    @Setup(Level.Trial)
    public void setUp() {
        StrategyProvider<Object> provider = StrategyPickBenchmark.provider(strategy);
        ConfigResult<Object> config = provider.parseConfig(Map.of());
        scheduler = StrategyPickBenchmark.scheduler();
        StrategyInstance instance = new StrategyInstance(strategy, Map.of(),
                provider.newStrategy(config.config(), StrategyPickBenchmark.context(scheduler)));
        List<BackendEntry> entries = new ArrayList<>();
        for (Backend b : StrategyPickBenchmark.backendSet(backends).backends()) {
            entries.add(BackendEntry.configured(b, "http://" + b.authority()));
        }
        pool = new DefaultServicePool("bench", HealthPolicy.defaults(), strategy, instance, false, entries,
                Ticker.SYSTEM, scheduler, Runnable::run);
        selector = pool.selector();
        contexts = StrategyPickBenchmark.contexts();
        latencies = StrategyPickBenchmark.latencies();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        scheduler.shutdownNow();
    }

    @Benchmark
    public PickResult pickAndFeedback(StrategyPickBenchmark.Cursor cursor) {
        return pickAndReport(cursor);
    }

    /** The same on two threads through one selector (the pool's per-backend counters are shared there). */
    @Benchmark
    @Threads(2)
    public PickResult pickAndFeedback2Threads(StrategyPickBenchmark.Cursor cursor) {
        return pickAndReport(cursor);
    }

    private PickResult pickAndReport(StrategyPickBenchmark.Cursor cursor) {
        int i = cursor.advance();
        PickResult r = selector.pick(cursor.timed(contexts[i]));
        if (r.isBackend()) {
            Backend b = r.backend();
            selector.onStart(b, cursor.now);
            selector.onComplete(b, latencies[i], Outcome.SUCCESS, cursor.now);
        }
        return r;
    }
}
