package io.optiflow.lb.bench.sim;

import java.util.Locale;

/**
 * Prints every scenario's table as Markdown, the tables of {@code docs/simulation.md}:
 * <pre>
 * mvn -B -o -q -pl lb-bench -am install -DskipTests
 * java -cp lb-bench/target/benchmarks.jar io.optiflow.lb.bench.sim.SimulationReport
 * </pre>
 * {@code ScenarioGoalsTest} prints the same tables and asserts latency-weighted's goals. Runs are deterministic:
 * the same code gives the same tables.
 */
public final class SimulationReport {

    private SimulationReport() {
    }

    public static void main(String[] args) {
        Strategies s = Strategies.load();
        long t0 = System.nanoTime();
        StringBuilder out = new StringBuilder();
        out.append("### a) tower-rs PR 76: 10 endpoints, closed loop of 50, 50,000 requests\n\n");
        out.append(Scenarios.towerDemo(s).markdown()).append('\n');
        out.append("### b) Linkerd \"Beyond Round Robin\": one of 11 backends 2 s slow from 15 s to 45 s\n\n");
        out.append(Scenarios.linkerdSlowBackend(s).markdown()).append('\n');
        out.append("### c) Starvation: b01 slow (1 s) for the first 5 s, then like the others (20 ms)\n\n");
        out.append(Scenarios.starvation(s).markdown()).append('\n');
        out.append("### d) Rate limits: 5 backends limited to 100 requests/s each, 1,000 requests/s offered\n\n");
        out.append(Scenarios.rateLimits(s).markdown()).append('\n');
        out.append("### e) Fast failures: b01 fails half its requests in 1 ms, the others answer in 50 ms\n\n");
        out.append(Scenarios.fastFailures(s).markdown()).append('\n');
        out.append("### f) One of 3 backends 20 ms slower, closed loop of 64 (anchors.sh's slow phase as a model)\n\n");
        out.append(Scenarios.anchorsSlowBackend(s).markdown()).append('\n');
        System.out.print(out);
        System.err.printf(Locale.ROOT, "simulated in %.1f s of wall time%n", (System.nanoTime() - t0) / 1e9);
    }
}
