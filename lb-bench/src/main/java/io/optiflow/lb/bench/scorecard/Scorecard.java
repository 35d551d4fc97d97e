package io.optiflow.lb.bench.scorecard;

import io.optiflow.lb.bench.sim.Scenarios;
import io.optiflow.lb.bench.sim.Strategies;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The scorecard: one command that runs a strategy, built-in or from a plug-in JAR, through the simulator's
 * scenarios beside every built-in strategy, measures its pick cost and allocation with JMH, and writes a Markdown
 * report. How to read it: {@code docs/writing-a-strategy.md}, "Reading the scorecard".
 * <pre>
 * mvn -B -q package -DskipTests
 * java -jar lb-bench/target/lb-scorecard.jar --plugin path/to/my-strategy.jar --strategy my-name [--config k=v]
 * </pre>
 */
public final class Scorecard {

    /** The built-in measured beside the candidate in the same JMH run, for scale. */
    static final String REFERENCE = "round-robin";

    private Scorecard() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the scorecard; returns the exit status: 0 done, 2 bad arguments (nothing ran), 1 the strategy failed in
     * a scenario or the benchmark.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(ScorecardArgs.USAGE);
            return 0;
        }
        ScorecardArgs a;
        try {
            a = ScorecardArgs.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("lb-scorecard: " + e.getMessage());
            err.print(ScorecardArgs.USAGE);
            return 2;
        }
        try (Candidate c = Candidate.load(a.plugin(), a.strategy(), a.config())) {
            String report = report(a, c, err);
            if (a.out() == null) {
                out.print(report);
            } else {
                Files.writeString(a.out(), report, StandardCharsets.UTF_8);
                err.println("lb-scorecard: report written to " + a.out().toAbsolutePath());
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("lb-scorecard: " + e.getMessage());
            return 2;
        } catch (ScenarioFailure e) {
            err.println("lb-scorecard: " + e.getMessage());
            e.getCause().printStackTrace(err);
            return 1;
        } catch (IOException e) {
            err.println("lb-scorecard: cannot write " + a.out() + ": " + e);
            return 1;
        }
    }

    private static String report(ScorecardArgs a, Candidate c, PrintStream progress) {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String name = a.strategy();
        String label = Strategies.BUILT_IN.contains(name) ? name + " (scored)" : name;
        Strategies lineup = Strategies.load().withSeeds(a.seeds()).withCandidate(label, c.provider(), a.config());
        StringBuilder md = new StringBuilder();
        md.append("# Scorecard: `").append(name).append("`\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| strategy | `").append(name).append("` from ").append(c.source().equals("built-in") ? "the built-ins"
                : "`" + c.source() + "`").append(", priority ").append(c.priority()).append(" |\n");
        String description = c.provider().description();
        if (description != null && !description.isBlank()) {
            md.append("| what it does | ").append(description.replace("|", "\\|")).append(" |\n");
        }
        md.append("| config | ").append(a.configText()).append(" |\n");
        md.append("| seeds | ").append(a.seeds() == 1 ? "1 (a quick run: medians of one seed)" : "1 to " + a.seeds()
                + " (medians over them)").append(" |\n");
        md.append("| command | `lb-scorecard ").append(String.join(" ", a.command())).append("` |\n");
        md.append(String.format(Locale.ROOT, "| machine | %d cores, Java %s, load average %.2f at the start |%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore));
        md.append("| date | ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" |\n\n");
        md.append("The simulator's scenarios (`docs/simulation.md`) with the strategy under test as the **bold** row,"
                + " every built-in at its defaults beside it. Runs are deterministic: the same JAR, config and seeds"
                + " give the same tables. How to read it: `docs/writing-a-strategy.md`, \"Reading the scorecard\".\n\n");

        section(md, progress, "a) tower-rs PR 76: ten endpoints of very different speed",
                "Closed loop of 50 clients, 50,000 requests; service times uniform up to 1 ms, 10 ms x4, 100 ms x4,"
                        + " 1000 ms. Lower is better; the published P2C + peak EWMA figures are the bar, round robin"
                        + " shows what ignoring speed costs.",
                Scenarios::towerDemo, lineup);
        section(md, progress, "b) Linkerd \"Beyond Round Robin\": one backend turns slow",
                "11 backends at about 167 ms, 1,000 requests/s for 60 s; one takes 2 s from 15 s to 45 s. Higher is"
                        + " better: 99.9% means the slow backend was found out and kept to about one request at a"
                        + " time.",
                Scenarios::linkerdSlowBackend, lineup);
        section(md, progress, "c) Starvation: a backend slow for the first seconds comes back",
                "5 backends at 20 ms, 500 requests/s for 40 s; b01 takes 1 s until 5 s. A strategy that avoids a"
                        + " slow backend must give it its share back: 20% +- 3 points in 30-40 s, in every seed.",
                Scenarios::starvation, lineup);
        section(md, progress, "d) Per-backend rate limits",
                "5 backends at 20 ms, 1,000 requests/s for 30 s, twice what limits of 100/s per backend admit."
                        + " Only a strategy with a per-backend limit (configured for this run) stays near 100%; the"
                        + " others show the offered load, about 200%.",
                Scenarios::rateLimits, lineup);
        section(md, progress, "e) Fast failures: a backend that fails quickly",
                "5 backends at 50 ms, 400 requests/s for 20 s; b01 fails half its requests in 1 ms (reported as"
                        + " FAILURE). Lower is better: counting only requests in flight sends b01 more than its fifth,"
                        + " because its failures end fast.",
                Scenarios::fastFailures, lineup);
        pickCost(md, progress, a, label);
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        md.append(String.format(Locale.ROOT, "%nLoad average at the end: %.2f.%n", loadAfter));
        return md.toString();
    }

    private static void section(StringBuilder md, PrintStream progress, String title, String setup,
                                Function<Strategies, Scenarios.Report> scenario, Strategies lineup) {
        long t0 = System.nanoTime();
        Scenarios.Report r;
        try {
            r = scenario.apply(lineup);
        } catch (RuntimeException e) {
            throw new ScenarioFailure("scenario " + title + ": the simulation failed with " + e
                    + " (a strategy that throws on the request path fails a real request the same way)", e);
        }
        progress.printf(Locale.ROOT, "lb-scorecard: %s: %.1f s%n", title, (System.nanoTime() - t0) / 1e9);
        md.append("## ").append(title).append("\n\n").append(setup).append("\n\n").append(r.markdown()).append('\n');
    }

    private static void pickCost(StringBuilder md, PrintStream progress, ScorecardArgs a, String label) {
        md.append("## Pick cost (JMH)\n\n");
        if (a.jmh() == ScorecardArgs.JmhMode.OFF) {
            md.append("Not measured (`--jmh off`).\n");
            return;
        }
        long t0 = System.nanoTime();
        List<PickCost.Row> rows = new ArrayList<>();
        try {
            rows.addAll(PickCost.measure("**" + label + "**", a.strategy(), a.plugin(), a.config(), a.jmh()));
            if (!(a.plugin() == null && a.strategy().equals(REFERENCE) && a.config().isEmpty())) {
                rows.addAll(PickCost.measure(REFERENCE + " (reference)", REFERENCE, null, Map.of(), a.jmh()));
            }
        } catch (Exception e) {
            throw new ScenarioFailure("the JMH benchmark failed: " + e, e);
        }
        progress.printf(Locale.ROOT, "lb-scorecard: pick cost: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        md.append("One request's worth of strategy work on the data plane: a pick, then `onStart` and `onComplete`"
                + " on its feedback, over backends of weights 1 to 4, on one thread (`ScorecardPickBenchmark`, as"
                + " `StrategyPickBenchmark` measures the built-ins). ")
                .append(a.jmh() == ScorecardArgs.JmhMode.QUICK
                        ? "**Quick run** (1 x 0.1 s warm-up, 2 x 0.1 s measured): rough figures, not for comparing."
                        : "One fork, 3 x 1 s warm-up, 5 x 1 s measured.")
                .append(" The goal for the request path: tens of nanoseconds, and 0 bytes per pick.\n\n");
        md.append("| strategy | backends | ns per pick with feedback | +- (99.9%) | bytes allocated per pick |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (PickCost.Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %s | %s |%n", r.label(), r.backends(), r.nanos(),
                    Double.isNaN(r.error()) ? "n/a" : String.format(Locale.ROOT, "%.1f", r.error()),
                    Double.isNaN(r.bytes()) ? "n/a" : String.format(Locale.ROOT, "%.1f", r.bytes())));
        }
    }

    /** The strategy failed in a scenario or the benchmark: reported with its cause, exit status 1. */
    private static final class ScenarioFailure extends RuntimeException {
        ScenarioFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
