package io.optiflow.lb.bench.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the four scenarios for latency-weighted alone under a grid of configs and prints one Markdown row per
 * config: how its defaults were chosen. Arguments: configs as {@code key=value,key=value}; none runs the grid
 * of {@code docs/simulation.md}.
 */
public final class LatencyWeightedTuning {

    private LatencyWeightedTuning() {
    }

    public static void main(String[] args) {
        List<String> grid = new ArrayList<>(List.of(args));
        if (grid.isEmpty()) {
            grid.addAll(List.of("decay=1s", "decay=2s", "decay=5s", "decay=10s", "default-rtt=5ms",
                    "default-rtt=100ms", "exploration=0.001", "exploration=0.01", "failure-penalty=0ns",
                    "failure-penalty=100ms"));
        }
        Strategies only = Strategies.only(Scenarios.LATENCY_WEIGHTED);
        if (!only.missing().isEmpty()) {
            System.err.println(only.note());
            return;
        }
        System.out.println("| latency-weighted config | a) p50 / p90 / p99 / p99.9 ms (p99.9 worst seed) "
                + "| b) within 1 s | c) b01 share 10-20 s / 30-40 s; min-max 30-40 s | d) busiest % of limit "
                + "| e) failed |");
        System.out.println("|---|---|---:|---|---:|---:|");
        for (String spec : grid) {
            Map<String, String> cfg = parse(spec);
            double[] a = Scenarios.towerDemo(only, cfg).of(Scenarios.LATENCY_WEIGHTED);
            double[] b = Scenarios.linkerdSlowBackend(only, cfg).of(Scenarios.LATENCY_WEIGHTED);
            double[] c = Scenarios.starvation(only, cfg).of(Scenarios.LATENCY_WEIGHTED);
            double[] d = Scenarios.rateLimits(only, cfg).of(Scenarios.LATENCY_WEIGHTED);
            double[] e = Scenarios.fastFailures(only, cfg).of(Scenarios.LATENCY_WEIGHTED);
            System.out.printf(Locale.ROOT, "| %s | %.1f / %.1f / %.1f / %.1f (%.1f) | %.3f%% | %.1f%% / %.1f%%; "
                    + "%.1f-%.1f%% | %.1f%% | %.2f%% |%n", spec, a[0], a[1], a[2], a[3], a[5], b[0], c[1], c[3], c[4],
                    c[5], d[0], e[0]);
        }
    }

    static Map<String, String> parse(String spec) {
        Map<String, String> cfg = new LinkedHashMap<>();
        if (spec.isBlank() || spec.equals("defaults")) {
            return cfg;
        }
        for (String kv : spec.split(",")) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("config: '" + kv + "' (expected: key=value)");
            }
            cfg.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return cfg;
    }
}
