package io.optiflow.lb.bench.scorecard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Runs {@link ScorecardPickBenchmark} with JMH's GC profiler and reads back time and allocation per pick. */
final class PickCost {

    /** Backend counts measured: a small pool and a large one. */
    static final List<Integer> BACKENDS = List.of(8, 1000);

    /**
     * One measured row.
     *
     * @param nanos      mean time of a pick with its feedback
     * @param error      half-width of JMH's 99.9% confidence interval (NaN when too few iterations)
     * @param bytes      bytes allocated per pick ({@code gc.alloc.rate.norm}), NaN when the profiler gave none
     */
    record Row(String label, int backends, double nanos, double error, double bytes) {
    }

    private PickCost() {
    }

    static List<Row> measure(String label, String strategy, Path plugin, Map<String, String> config,
                             ScorecardArgs.JmhMode mode) throws RunnerException {
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include(ScorecardPickBenchmark.class.getName() + ".pickAndFeedback")
                .param("strategy", strategy)
                .param("plugin", plugin == null ? "" : plugin.toAbsolutePath().toString())
                .param("config", ScorecardPickBenchmark.encode(config))
                .param("backends", BACKENDS.stream().map(String::valueOf).toArray(String[]::new))
                .addProfiler(GCProfiler.class)
                .forks(1)
                .threads(1)
                .verbosity(VerboseMode.SILENT);
        if (mode == ScorecardArgs.JmhMode.QUICK) {
            opts.warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(100));
        } else {
            opts.warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        List<Row> rows = new ArrayList<>();
        for (RunResult r : new Runner(opts.build()).run()) {
            Result<?> primary = r.getPrimaryResult();
            double bytes = Double.NaN;
            for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    bytes = e.getValue().getScore();
                }
            }
            rows.add(new Row(label, Integer.parseInt(r.getParams().getParam("backends")), primary.getScore(),
                    primary.getScoreError(), bytes));
        }
        rows.sort(Comparator.comparingInt(Row::backends));
        return rows;
    }
}
