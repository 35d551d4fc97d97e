package io.optiflow.lb.bench.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine itself: queueing, closed and open loops, determinism. */
@Timeout(30)
class SimulationTest {

    private static final long MS = 1_000_000L;

    @Test
    void closedLoop_oneServerOfCapacityOne_requestsQueueFifo() {
        // 3 clients, one backend serving one request at a time in exactly 10 ms: the first three requests wait
        // 0, 10 and 20 ms, and from then on every request finds two ahead of it.
        Workload w = Workload.closedLoop(1, 1, (b, t, r) -> 10 * MS, 3, 30);
        SimResult r = Simulation.run(new FirstBackendProvider(), Map.of(), w, 1);
        long[] expected = new long[30];
        Arrays.fill(expected, 30 * MS);
        expected[0] = 10 * MS;
        expected[1] = 20 * MS;
        assertArrayEquals(expected, r.latencies());
        assertEquals(300 * MS, r.endNanos());
        assertEquals(30, r.sent(0, 0, 1));
    }

    @Test
    void closedLoop_capacityAboveClients_noQueueing() {
        Workload w = Workload.closedLoop(1, 50, (b, t, r) -> 10 * MS, 3, 30);
        SimResult r = Simulation.run(new FirstBackendProvider(), Map.of(), w, 1);
        assertTrue(Arrays.stream(r.latencies()).allMatch(l -> l == 10 * MS), Arrays.toString(r.latencies()));
        assertEquals(100 * MS, r.endNanos());
    }

    @Test
    void closedLoop_failingBackend_failuresEndFastAndAreCounted() {
        Workload w = Workload.closedLoop(1, 10, (b, t, r) -> 10 * MS, 2, 20).withFailures(0, 1.0, MS);
        SimResult r = Simulation.run(new FirstBackendProvider(), Map.of(), w, 1);
        assertEquals(20, r.failed());
        assertEquals(100.0, r.percentFailed());
        assertTrue(Arrays.stream(r.latencies()).allMatch(l -> l == MS), Arrays.toString(r.latencies()));
    }

    @Test
    void openLoop_poissonArrivals_aboutTheRateAndNoneAfterTheEnd() {
        Workload w = Workload.openLoop(1, Integer.MAX_VALUE, (b, t, r) -> 5 * MS, 1000.0, 10_000 * MS);
        SimResult r = Simulation.run(new FirstBackendProvider(), Map.of(), w, 3);
        // 10,000 expected; a Poisson count's standard deviation is 100, so 3% is six of them.
        assertTrue(Math.abs(r.completed() - 10_000) <= 300, () -> r.completed() + " requests (expected: 10,000 +- 3%)");
        assertTrue(r.endNanos() < 10_005 * MS, () -> "last event at " + r.endNanos());
        for (int s = 0; s < 10; s++) {
            int n = r.perSecond()[0][s];
            assertTrue(n > 850 && n < 1150, () -> "second " + Arrays.toString(r.perSecond()[0]));
        }
    }

    @Test
    void run_sameSeed_sameResultsForARealStrategy() {
        Strategies all = Strategies.load();
        var lw = all.get("latency-weighted");
        Workload w = Scenarios.towerWorkload();
        SimResult a = Scenarios.run(lw, Map.of(), w, 7);
        SimResult b = Scenarios.run(lw, Map.of(), w, 7);
        SimResult c = Scenarios.run(lw, Map.of(), w, 8);
        assertArrayEquals(a.latencies(), b.latencies());
        assertEquals(a.endNanos(), b.endNanos());
        assertFalse(Arrays.equals(a.latencies(), c.latencies()), "another seed should give other latencies");
        assertEquals(Scenarios.TOWER_REQUESTS, a.completed());
    }

    @Test
    void serviceTime_slowSpell_onlyForThatBackendAndWindow() {
        ServiceTime st = ((ServiceTime) (b, t, r) -> MS).withSlowSpell(1, 100, 200, (b, t, r) -> 9 * MS);
        assertEquals(MS, st.sampleNanos(0, 150, null));
        assertEquals(MS, st.sampleNanos(1, 99, null));
        assertEquals(9 * MS, st.sampleNanos(1, 100, null));
        assertEquals(MS, st.sampleNanos(1, 200, null));
    }

    @Test
    void simResult_percentiles_nearestRank() {
        long[] l = new long[1000];
        for (int i = 0; i < l.length; i++) {
            l[i] = (i + 1) * MS;
        }
        SimResult r = new SimResult(l, new int[0][0], 0, 0, 0);
        assertEquals(500.0, r.percentileMillis(0.5));
        assertEquals(999.0, r.percentileMillis(0.999));
        assertEquals(25.0, r.percentWithin(250 * MS));
    }

    @Test
    void run_invalidConfig_errorNamesStrategyAndKey() {
        var lw = Strategies.load().get("latency-weighted");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenarios.run(lw, Map.of("decay", "0s"), Scenarios.towerWorkload(), 1));
        assertTrue(e.getMessage().contains("latency-weighted") && e.getMessage().contains("decay"), e.getMessage());
    }

    @Test
    void strategies_unregisteredName_reportedMissingNotFound() {
        Strategies s = Strategies.only("no-such-strategy");
        assertEquals(List.of(), s.found());
        assertEquals(List.of("no-such-strategy"), s.missing());
        assertEquals("Not registered, so not simulated: no-such-strategy.", s.note());
    }

    @Test
    void strategies_builtIns_latencyWeightedRegistered() {
        assertTrue(Strategies.load().get("latency-weighted") != null);
    }
}
