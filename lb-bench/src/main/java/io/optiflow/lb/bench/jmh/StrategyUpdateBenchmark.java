package io.optiflow.lb.bench.jmh;

import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.core.ThreadLocalRandomSource;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.api.spi.Ticker;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The writer's side: what one {@code Strategy.update} costs when membership really changes (one backend leaves
 * or comes back on every call). Runs on the service's one writer, never on the request path, but a slow update
 * delays health and membership changes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StrategyUpdateBenchmark {

    @Param({"round-robin", "weighted-round-robin", "least-connections", "random", "power-of-two",
            "latency-weighted", "consistent-hash"})
    public String strategy;

    @Param({"8", "1000"})
    public int backends;

    private ScheduledExecutorService scheduler;
    private Strategy instance;
    private BackendSet full;
    private BackendSet lessOne;
    private boolean flip;

    @Setup(Level.Trial)
    public void setUp() {
        StrategyProvider<Object> provider = StrategyPickBenchmark.provider(strategy);
        ConfigResult<Object> config = provider.parseConfig(Map.of());
        if (!config.isValid()) {
            throw new IllegalStateException(strategy + ": default config invalid: " + config.errors());
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-scheduler");
            t.setDaemon(true);
            return t;
        });
        StrategyContext context = StrategyContext.of("bench", Ticker.SYSTEM, ThreadLocalRandomSource.INSTANCE, scheduler);
        instance = provider.newStrategy(config.config(), context);
        full = StrategyPickBenchmark.backendSet(backends);
        lessOne = full.without(full.get(backends / 2).id());
        instance.update(full);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        instance.close();
        scheduler.shutdownNow();
    }

    @Benchmark
    public Picker update() {
        flip = !flip;
        return instance.update(flip ? lessOne : full);
    }
}
