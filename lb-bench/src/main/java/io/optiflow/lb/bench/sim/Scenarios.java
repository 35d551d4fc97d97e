package io.optiflow.lb.bench.sim;

import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The four scenarios of {@code docs/simulation.md}, each run for every registered built-in strategy over the same
 * seeds. Each returns its Markdown table and the figures its test asserts on.
 */
public final class Scenarios {

    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;
    /** Every scenario runs each strategy with these seeds; tables give the median (and the spread where asked). */
    public static final long[] SEEDS = {1, 2, 3, 4, 5};
    static final String LATENCY_WEIGHTED = "latency-weighted";

    private Scenarios() {
    }

    /** A scenario's output: its Markdown section and, per strategy, the figures of its columns. */
    public record Report(String markdown, Map<String, double[]> figures) {

        /** The figures of {@code strategy}, or null when it was not registered. */
        public double[] of(String strategy) {
            return figures.get(strategy);
        }
    }

    // ---------------------------------------------------------------- a) tower-rs PR 76

    /** Service-time maximums of the ten endpoints of tower's balance demo. */
    static final long[] TOWER_MAX = {1 * MS, 10 * MS, 10 * MS, 10 * MS, 10 * MS, 100 * MS, 100 * MS, 100 * MS,
        100 * MS, 1000 * MS};
    static final int TOWER_REQUESTS = 50_000;

    static Workload towerWorkload() {
        return Workload.closedLoop(10, 50, ServiceTime.uniform(TOWER_MAX), 50, TOWER_REQUESTS);
    }

    /**
     * Figures per strategy: median over seeds of p50, p90, p99, p99.9 (ms), then the lowest and highest p99.9.
     */
    public static Report towerDemo(Strategies strategies) {
        return towerDemo(strategies, Map.of());
    }

    /** The same with {@code lwConfig} for latency-weighted (for tuning its defaults). */
    public static Report towerDemo(Strategies strategies, Map<String, String> lwConfig) {
        Map<String, double[]> figures = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        md.append("| strategy | p50 ms | p90 ms | p99 ms | p99.9 ms | p99.9 spread (ms, " + seedCount(strategies)
                + ") |\n");
        md.append("|---|---:|---:|---:|---:|---|\n");
        md.append("| *published: tower P2C + peak EWMA* | *5* | *56* | *96* | *105* | |\n");
        md.append("| *published: tower round robin* | | | *906* | | |\n");
        for (Strategies.Entry e : strategies.entries()) {
            long[] seeds = strategies.seeds();
            double[][] perSeed = new double[4][seeds.length];
            for (int s = 0; s < seeds.length; s++) {
                SimResult r = run(e.provider(), configFor(e, lwConfig), towerWorkload(), seeds[s]);
                perSeed[0][s] = r.percentileMillis(0.50);
                perSeed[1][s] = r.percentileMillis(0.90);
                perSeed[2][s] = r.percentileMillis(0.99);
                perSeed[3][s] = r.percentileMillis(0.999);
            }
            double[] f = {median(perSeed[0]), median(perSeed[1]), median(perSeed[2]), median(perSeed[3]),
                min(perSeed[3]), max(perSeed[3])};
            figures.put(e.label(), f);
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f - %.1f |%n", e.cell(),
                    f[0], f[1], f[2], f[3], f[4], f[5]));
        }
        return new Report(withNote(md, strategies), figures);
    }

    // ---------------------------------------------------------------- b) Linkerd "Beyond Round Robin"

    static final int LINKERD_SLOW = 5;

    static Workload linkerdWorkload() {
        ServiceTime normal = ServiceTime.normal(167 * MS, 5 * MS);
        return Workload.openLoop(11, Integer.MAX_VALUE,
                normal.withSlowSpell(LINKERD_SLOW, 15 * SECOND, 45 * SECOND, ServiceTime.normal(2 * SECOND, 5 * MS)),
                1000.0, 60 * SECOND);
    }

    /** Figures per strategy: median, lowest and highest share (%) of requests done within 1 s; median p99 (ms). */
    public static Report linkerdSlowBackend(Strategies strategies) {
        return linkerdSlowBackend(strategies, Map.of());
    }

    /** The same with {@code lwConfig} for latency-weighted (for tuning its defaults). */
    public static Report linkerdSlowBackend(Strategies strategies, Map<String, String> lwConfig) {
        Map<String, double[]> figures = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        md.append("| strategy | done within 1 s (median of " + seedCount(strategies) + ") | lowest - highest | p99 ms |\n");
        md.append("|---|---:|---|---:|\n");
        md.append("| *published: round robin / least loaded / peak EWMA* | *~95% / ~99% / ~99.9%* | | |\n");
        for (Strategies.Entry e : strategies.entries()) {
            long[] seeds = strategies.seeds();
            double[] within = new double[seeds.length];
            double[] p99 = new double[seeds.length];
            for (int s = 0; s < seeds.length; s++) {
                SimResult r = run(e.provider(), configFor(e, lwConfig), linkerdWorkload(), seeds[s]);
                within[s] = r.percentWithin(SECOND);
                p99[s] = r.percentileMillis(0.99);
            }
            double[] f = {median(within), min(within), max(within), median(p99)};
            figures.put(e.label(), f);
            md.append(String.format(Locale.ROOT, "| %s | %.3f%% | %.3f%% - %.3f%% | %.0f |%n", e.cell(), f[0], f[1],
                    f[2], f[3]));
        }
        return new Report(withNote(md, strategies), figures);
    }

    // ---------------------------------------------------------------- c) starvation

    static final int STARVE_BACKENDS = 5;
    static final long STARVE_SLOW_UNTIL = 5 * SECOND;

    static Workload starvationWorkload() {
        ServiceTime normal = ServiceTime.normal(20 * MS, 2 * MS);
        return Workload.openLoop(STARVE_BACKENDS, Integer.MAX_VALUE,
                normal.withSlowSpell(0, 0, STARVE_SLOW_UNTIL, ServiceTime.normal(1 * SECOND, 10 * MS)),
                500.0, 40 * SECOND);
    }

    /**
     * Figures per strategy (median over seeds): b01's share (%) in 5-10 s, 10-20 s, 20-30 s and 30-40 s; then, over
     * all seeds, the lowest and highest share of any backend in 30-40 s.
     */
    public static Report starvation(Strategies strategies) {
        return starvation(strategies, Map.of());
    }

    /** The same with {@code lwConfig} for latency-weighted (for tuning its defaults). */
    public static Report starvation(Strategies strategies, Map<String, String> lwConfig) {
        Map<String, double[]> figures = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        md.append("| strategy | b01 share 5-10 s | 10-20 s | 20-30 s | 30-40 s | any backend's share 30-40 s, "
                + "all seeds (min - max) |\n");
        md.append("|---|---:|---:|---:|---:|---|\n");
        int[][] windows = {{5, 10}, {10, 20}, {20, 30}, {30, 40}};
        for (Strategies.Entry e : strategies.entries()) {
            long[] seeds = strategies.seeds();
            double[][] share = new double[windows.length][seeds.length];
            double lo = 100;
            double hi = 0;
            for (int s = 0; s < seeds.length; s++) {
                SimResult r = run(e.provider(), configFor(e, lwConfig), starvationWorkload(), seeds[s]);
                for (int w = 0; w < windows.length; w++) {
                    share[w][s] = 100.0 * r.sent(0, windows[w][0], windows[w][1])
                            / Math.max(1, r.sent(windows[w][0], windows[w][1]));
                }
                for (int b = 0; b < STARVE_BACKENDS; b++) {
                    double sb = 100.0 * r.sent(b, 30, 40) / Math.max(1, r.sent(30, 40));
                    lo = Math.min(lo, sb);
                    hi = Math.max(hi, sb);
                }
            }
            double[] f = {median(share[0]), median(share[1]), median(share[2]), median(share[3]), lo, hi};
            figures.put(e.label(), f);
            md.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% - %.1f%% |%n",
                    e.cell(), f[0], f[1], f[2], f[3], f[4], f[5]));
        }
        return new Report(withNote(md, strategies), figures);
    }

    // ---------------------------------------------------------------- d) rate limits

    static final int LIMIT_BACKENDS = 5;
    static final double LIMIT_PER_BACKEND = 100.0;
    static final int LIMIT_SECONDS = 30;
    static final Map<String, String> LIMIT_CONFIG = Map.of("rate-limit", "100", "burst", "10");

    static Workload rateLimitWorkload() {
        return Workload.openLoop(LIMIT_BACKENDS, Integer.MAX_VALUE, ServiceTime.normal(20 * MS, 2 * MS),
                1000.0, LIMIT_SECONDS * SECOND);
    }

    /**
     * Figures per strategy, all seeds: the most requests any backend got over the 30 s as a percentage of its
     * limit (100/s x 30 s), the most any backend got in one second, and the median share of requests rejected (%).
     */
    public static Report rateLimits(Strategies strategies) {
        return rateLimits(strategies, Map.of());
    }

    /** The same with {@code lwConfig} for latency-weighted (for tuning its defaults). */
    public static Report rateLimits(Strategies strategies, Map<String, String> lwConfig) {
        Map<String, double[]> figures = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        md.append("| strategy | config | busiest backend over 30 s, % of its limit | busiest backend in any 1 s "
                + "(limit 100) | rejected (median) |\n");
        md.append("|---|---|---:|---:|---:|\n");
        long limit = Math.round(LIMIT_PER_BACKEND * LIMIT_SECONDS);
        for (Strategies.Entry e : strategies.entries()) {
            long[] seeds = strategies.seeds();
            Map<String, String> raw = e.config();
            if (!e.candidate() && e.label().equals(LATENCY_WEIGHTED)) {
                Map<String, String> merged = new LinkedHashMap<>(lwConfig);
                merged.putAll(LIMIT_CONFIG);
                raw = merged;
            }
            double worstTotal = 0;
            double worstSecond = 0;
            double[] rejected = new double[seeds.length];
            for (int s = 0; s < seeds.length; s++) {
                SimResult r = run(e.provider(), raw, rateLimitWorkload(), seeds[s]);
                for (int b = 0; b < LIMIT_BACKENDS; b++) {
                    worstTotal = Math.max(worstTotal, 100.0 * r.sent(b, 0, LIMIT_SECONDS) / limit);
                    worstSecond = Math.max(worstSecond, r.maxPerSecond(b, 0, LIMIT_SECONDS));
                }
                rejected[s] = 100.0 * r.rejected() / Math.max(1, r.rejected() + r.sent(0, LIMIT_SECONDS));
            }
            double[] f = {worstTotal, worstSecond, median(rejected)};
            figures.put(e.label(), f);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f%% | %.0f | %.1f%% |%n", e.cell(),
                    configCell(e, raw), f[0], f[1], f[2]));
        }
        return new Report(withNote(md, strategies), figures);
    }

    // ---------------------------------------------------------------- e) fast failures

    static final int FAIL_BACKENDS = 5;

    static Workload fastFailureWorkload() {
        return Workload.openLoop(FAIL_BACKENDS, Integer.MAX_VALUE, ServiceTime.normal(50 * MS, 5 * MS), 400.0,
                20 * SECOND).withFailures(0, 0.5, 1 * MS);
    }

    /** Figures per strategy (median over seeds): failed requests (%), b01's share of requests (%), p99 (ms). */
    public static Report fastFailures(Strategies strategies) {
        return fastFailures(strategies, Map.of());
    }

    /** The same with {@code lwConfig} for latency-weighted (for tuning its defaults). */
    public static Report fastFailures(Strategies strategies, Map<String, String> lwConfig) {
        Map<String, double[]> figures = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        md.append("| strategy | failed requests | b01's share of requests | p99 ms |\n");
        md.append("|---|---:|---:|---:|\n");
        for (Strategies.Entry e : strategies.entries()) {
            long[] seeds = strategies.seeds();
            double[] failedPct = new double[seeds.length];
            double[] share = new double[seeds.length];
            double[] p99 = new double[seeds.length];
            for (int s = 0; s < seeds.length; s++) {
                SimResult r = run(e.provider(), configFor(e, lwConfig), fastFailureWorkload(), seeds[s]);
                failedPct[s] = r.percentFailed();
                share[s] = 100.0 * r.sent(0, 0, 20) / Math.max(1, r.sent(0, 20));
                p99[s] = r.percentileMillis(0.99);
            }
            double[] f = {median(failedPct), median(share), median(p99)};
            figures.put(e.label(), f);
            md.append(String.format(Locale.ROOT, "| %s | %.2f%% | %.1f%% | %.0f |%n", e.cell(), f[0], f[1], f[2]));
        }
        return new Report(withNote(md, strategies), figures);
    }

    // ---------------------------------------------------------------- f) one backend 20 ms slower, closed loop

    static final int ANCHORS_BACKENDS = 3;
    static final int ANCHORS_SLOW = 2;
    static final int ANCHORS_REQUESTS = 100_000;

    /**
     * The slow phase of anchors.sh as a model: 64 clients in a closed loop over three backends that answer in
     * N(1.5 ms, 0.5 ms), with 1 % of requests taking uniform [4, 10) ms (the tail of a saturated machine, which a
     * peak estimate remembers), and the third backend 20 ms slower than that on every request.
     */
    static Workload anchorsSlowWorkload() {
        ServiceTime fast = ServiceTime.normal(1_500_000L, 500_000L).withTail(0.01, 4 * MS, 10 * MS);
        return Workload.closedLoop(ANCHORS_BACKENDS, Integer.MAX_VALUE, fast.slowerBy(ANCHORS_SLOW, 20 * MS), 64,
                ANCHORS_REQUESTS);
    }

    /** Figures per strategy (median over seeds): the slow backend's share (%), p50, p99 and p99.9 (ms). */
    public static Report anchorsSlowBackend(Strategies strategies) {
        return anchorsSlowBackend(strategies, Map.of());
    }

    /** The same with {@code lwConfig} for latency-weighted (for tuning its defaults). */
    public static Report anchorsSlowBackend(Strategies strategies, Map<String, String> lwConfig) {
        Map<String, double[]> figures = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        md.append("| strategy | slow backend's share | p50 ms | p99 ms | p99.9 ms |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (Strategies.Entry e : strategies.entries()) {
            long[] seeds = strategies.seeds();
            double[][] perSeed = new double[4][seeds.length];
            for (int s = 0; s < seeds.length; s++) {
                SimResult r = run(e.provider(), configFor(e, lwConfig), anchorsSlowWorkload(), seeds[s]);
                long all = r.sent(0, Integer.MAX_VALUE);
                perSeed[0][s] = 100.0 * r.sent(ANCHORS_SLOW, 0, Integer.MAX_VALUE) / Math.max(1, all);
                perSeed[1][s] = r.percentileMillis(0.50);
                perSeed[2][s] = r.percentileMillis(0.99);
                perSeed[3][s] = r.percentileMillis(0.999);
            }
            double[] f = {median(perSeed[0]), median(perSeed[1]), median(perSeed[2]), median(perSeed[3])};
            figures.put(e.label(), f);
            md.append(String.format(Locale.ROOT, "| %s | %.2f%% | %.1f | %.1f | %.1f |%n", e.cell(), f[0], f[1],
                    f[2], f[3]));
        }
        return new Report(withNote(md, strategies), figures);
    }

    // ---------------------------------------------------------------- helpers

    /** A candidate's own config; for the built-ins, {@code lwConfig} for latency-weighted and defaults for the rest. */
    private static Map<String, String> configFor(Strategies.Entry e, Map<String, String> lwConfig) {
        if (e.candidate()) {
            return e.config();
        }
        return e.label().equals(LATENCY_WEIGHTED) ? lwConfig : Map.of();
    }

    /** The config column of scenario d: the built-ins' words of docs/simulation.md, a candidate's keys as given. */
    private static String configCell(Strategies.Entry e, Map<String, String> raw) {
        if (!e.candidate()) {
            return raw.isEmpty() ? "defaults (no limit)" : "rate-limit=100, burst=10";
        }
        if (raw.isEmpty()) {
            return "defaults";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> kv : new TreeMap<>(raw).entrySet()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(kv.getKey()).append('=').append(kv.getValue());
        }
        return sb.toString();
    }

    private static String seedCount(Strategies strategies) {
        int n = strategies.seeds().length;
        return n == 1 ? "1 seed" : n + " seeds";
    }

    @SuppressWarnings("unchecked")
    static SimResult run(StrategyProvider<?> p, Map<String, String> raw, Workload w, long seed) {
        return Simulation.run((StrategyProvider<Object>) p, raw, w, seed);
    }

    private static String withNote(StringBuilder md, Strategies strategies) {
        String note = strategies.note();
        return note.isEmpty() ? md.toString() : md + "\n" + note + "\n";
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
