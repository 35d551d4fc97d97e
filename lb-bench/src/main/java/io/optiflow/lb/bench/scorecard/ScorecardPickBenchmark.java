package io.optiflow.lb.bench.scorecard;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.bench.jmh.StrategyPickBenchmark;
import io.optiflow.lb.core.ThreadLocalRandomSource;
import io.optiflow.lb.testkit.TestBackends;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One request's worth of the scored strategy's work, as {@code StrategyPickBenchmark} measures the built-ins: a
 * pick, then {@code onStart} and {@code onComplete} on its feedback, with the clock readings the proxy passes (its
 * {@link StrategyPickBenchmark.Cursor}), over backends of weights 1 to 4, cycling
 * through 1,024 request contexts. The strategy is loaded in the benchmark's own JVM, from the plug-in JAR when there
 * is one, exactly as the scorecard loads it. {@link PickCost} sets the parameters; run it through the scorecard.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScorecardPickBenchmark {

    private static final int CONTEXTS = 1024;

    /** The strategy's name. */
    @Param("round-robin")
    public String strategy;

    /** The plug-in JAR's path; empty for a built-in. */
    @Param("")
    public String plugin;

    /** The config, {@code key=value} lines. */
    @Param("")
    public String config;

    @Param("8")
    public int backends;

    private Candidate candidate;
    private ScheduledExecutorService scheduler;
    private Strategy instance;
    private Picker picker;
    private LoadFeedback feedback;
    private RequestContext[] contexts;
    private long[] latencies;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() {
        Map<String, String> raw = decode(config);
        candidate = Candidate.load(plugin.isEmpty() ? null : Path.of(plugin), strategy, raw);
        StrategyProvider<Object> provider = (StrategyProvider<Object>) candidate.provider();
        ConfigResult<Object> parsed = provider.parseConfig(raw);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scorecard-scheduler");
            t.setDaemon(true);
            return t;
        });
        StrategyContext context = StrategyContext.of("scorecard", Ticker.SYSTEM, ThreadLocalRandomSource.INSTANCE,
                scheduler);
        instance = provider.newStrategy(parsed.config(), context);
        int[] weights = new int[backends];
        for (int i = 0; i < backends; i++) {
            weights[i] = 1 + ((i + 1) % 4);
        }
        picker = instance.update(TestBackends.weighted(weights));
        feedback = instance.feedback();
        contexts = new RequestContext[CONTEXTS];
        latencies = new long[CONTEXTS];
        for (int i = 0; i < CONTEXTS; i++) {
            contexts[i] = RequestContext.of("/bench/" + i, RequestContext.hash("client-" + i));
            latencies[i] = 1_000_000L + (i % 40) * 100_000L; // 1 to 4.9 ms, so latency-aware strategies differ
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        instance.close();
        scheduler.shutdownNow();
        candidate.close();
    }

    @Benchmark
    public PickResult pickAndFeedback(StrategyPickBenchmark.Cursor cursor) {
        int i = cursor.advance();
        PickResult r = picker.pick(cursor.timed(contexts[i]));
        if (r.isBackend()) {
            Backend b = r.backend();
            feedback.onStart(b, cursor.now);
            feedback.onComplete(b, latencies[i], Outcome.SUCCESS, cursor.now);
        }
        return r;
    }

    /** {@code key=value} lines, as {@link PickCost} passes a config through JMH's string parameters. */
    static String encode(Map<String, String> config) {
        StringBuilder sb = new StringBuilder();
        config.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    static Map<String, String> decode(String lines) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String line : lines.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                raw.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return raw;
    }
}
