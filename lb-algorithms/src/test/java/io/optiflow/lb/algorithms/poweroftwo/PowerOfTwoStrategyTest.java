package io.optiflow.lb.algorithms.poweroftwo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.algorithms.support.ClosedLoopSimulation;
import io.optiflow.lb.algorithms.support.PairDraws;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.ScriptedRandom;
import io.optiflow.lb.testkit.SeededRandom;
import io.optiflow.lb.testkit.TestBackends;
import io.optiflow.lb.testkit.TestContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PowerOfTwoStrategyTest {

    private static final Backend B1 = TestBackends.backend(1);
    private static final Backend B2 = TestBackends.backend(2);
    private static final Backend B3 = TestBackends.backend(3);
    private static final Backend B4 = TestBackends.backend(4);

    private static PowerOfTwoStrategy strategy(RandomSource random, Map<String, String> raw) {
        PowerOfTwoProvider p = new PowerOfTwoProvider();
        return (PowerOfTwoStrategy) p.newStrategy(p.parseConfig(raw).config(),
                TestContexts.context(new ManualTicker(), random));
    }

    private static List<String> picks(Picker picker, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(picker.pick(RequestContext.EMPTY).backend().id());
        }
        return ids;
    }

    /**
     * Scripts one pick's draw per pair of {@code draws} over {@code n} backends, each pair written as the two draws
     * it stands for: the first candidate in {@code [0, n)}, the second in {@code [0, n - 1)} over the others.
     */
    private static void pairs(ScriptedRandom random, int n, int... draws) {
        for (int k = 0; k < draws.length; k += 2) {
            random.thenLongs(PairDraws.of(n, draws[k], draws[k + 1]));
        }
    }

    private static void start(LoadFeedback fb, Backend b, int times) {
        for (int i = 0; i < times; i++) {
            fb.onStart(b);
        }
    }

    @Test
    void pick_scriptedDraws_lessLoadedOfTheTwoAndTiesToTheFirst() {
        ScriptedRandom random = new ScriptedRandom();
        PowerOfTwoStrategy s = strategy(random, Map.of());
        Picker picker = s.update(TestBackends.of(4));
        start(s.feedback(), B1, 2);
        start(s.feedback(), B3, 1);
        // loads b0001=2 b0002=0 b0003=1 b0004=0; the second draw is over the other three, skipping the first
        pairs(random, 4, 0, 0,  // b0001 vs b0002 -> b0002
                2, 1,           // b0003 vs b0002 -> b0002
                1, 2,           // b0002 vs b0004, tie -> b0002, the first drawn
                3, 0,           // b0004 vs b0001 -> b0004
                0, 2,           // b0001 vs b0004 -> b0004
                2, 0);          // b0003 vs b0001 -> b0003
        assertEquals(List.of("b0002", "b0002", "b0002", "b0004", "b0004", "b0003"), picks(picker, 6));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_twoBackends_neverComparesABackendWithItself() {
        ScriptedRandom random = new ScriptedRandom();
        PowerOfTwoStrategy s = strategy(random, Map.of());
        Picker picker = s.update(TestBackends.of(2));
        start(s.feedback(), B1, 1);
        // whichever comes first, the other is the second candidate, so the idle b0002 always wins
        pairs(random, 2, 0, 0, 1, 0);
        assertEquals(List.of("b0002", "b0002"), picks(picker, 2));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_singleBackend_drawsNothing() {
        ScriptedRandom random = new ScriptedRandom();
        Picker picker = strategy(random, Map.of()).update(TestBackends.of(1));
        assertEquals(List.of("b0001", "b0001"), picks(picker, 2));
    }

    @Test
    void pick_weighted_comparesInFlightPerUnitOfWeight() {
        ScriptedRandom random = new ScriptedRandom();
        PowerOfTwoStrategy s = strategy(random, Map.of());
        Picker picker = s.update(TestBackends.weighted(3, 1));
        start(s.feedback(), B1, 2); // 2/3
        start(s.feedback(), B2, 1); // 1/1
        pairs(random, 2, 1, 0);
        assertEquals(List.of("b0001"), picks(picker, 1));
    }

    @Test
    void pick_respectWeightsFalse_comparesRawCounts() {
        ScriptedRandom random = new ScriptedRandom();
        PowerOfTwoStrategy s = strategy(random, Map.of("respect-weights", "false"));
        Picker picker = s.update(TestBackends.weighted(3, 1));
        start(s.feedback(), B1, 2);
        start(s.feedback(), B2, 1);
        pairs(random, 2, 0, 0);
        assertEquals(List.of("b0002"), picks(picker, 1));
    }

    @Test
    void onComplete_ignoredOutcomeAndStrays_releaseButNeverBelowZero() {
        PowerOfTwoStrategy s = strategy(new ScriptedRandom(), Map.of());
        s.update(TestBackends.of(2));
        start(s.feedback(), B1, 2);
        s.feedback().onComplete(B1, 1L, Outcome.IGNORED);
        s.feedback().onComplete(B1, 1L, Outcome.FAILURE);
        s.feedback().onComplete(B1, 1L, Outcome.SUCCESS);
        assertEquals(0, s.inFlight("b0001"));
        s.feedback().onStart(B1);
        assertEquals(1, s.inFlight("b0001"));
    }

    @Test
    void update_keptBackendKeepsCount_removedIdleBackendForgotten() {
        ScriptedRandom random = new ScriptedRandom();
        PowerOfTwoStrategy s = strategy(random, Map.of());
        s.update(TestBackends.of(3));
        start(s.feedback(), B1, 4);
        Picker picker = s.update(BackendSet.of(B1, B3, B4));
        assertEquals(4, s.inFlight("b0001"));
        s.feedback().onStart(B2); // gone and idle: ignored
        assertEquals(0, s.inFlight("b0002"));
        pairs(random, 3, 0, 1); // b0001 (4) vs b0004 (0)
        assertEquals(List.of("b0004"), picks(picker, 1));
    }

    @Test
    void handover_seededWithInFlightThenIgnoredCompletions_countsExact() {
        BackendSet set = TestBackends.of(3);
        ScriptedRandom random = new ScriptedRandom();
        PowerOfTwoStrategy next = strategy(random, Map.of());
        Picker picker = next.update(set);
        Backend[] running = {B1, B1, B1, B2, B1};
        for (Backend b : running) {
            next.feedback().onStart(b);
        }
        assertEquals(4, next.inFlight("b0001"));
        assertEquals(1, next.inFlight("b0002"));
        assertEquals(0, next.inFlight("b0003"));
        pairs(random, 3, 0, 1, 0, 0); // b0001 vs b0003, then b0001 vs b0002: the seeded load steers both
        assertEquals(List.of("b0003", "b0002"), picks(picker, 2));
        for (Backend b : running) {
            next.feedback().onComplete(b, 0L, Outcome.IGNORED);
        }
        for (Backend b : set.backends()) {
            assertEquals(0, next.inFlight(b.id()), b.id());
        }
    }

    @Test
    void pick_closedLoopWithWeights532_pickSharesFollowWeightsWithin2Percent() {
        assertClosedLoopShares(new int[] {5, 3, 2}, 0.02);
    }

    @Test
    void pick_closedLoopTenEqualBackends_sharesEqualWithin1Percent() {
        assertClosedLoopShares(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 0.01);
    }

    /**
     * 100 requests always in flight; each step one of them, drawn uniformly, completes and a new one is picked.
     * Completions follow in-flight counts, so pick shares show how well in-flight follows weight.
     */
    private static void assertClosedLoopShares(int[] weights, double tolerance) {
        BackendSet set = TestBackends.weighted(weights);
        SeededRandom random = new SeededRandom(2);
        PowerOfTwoStrategy s = strategy(random, Map.of());
        Picker picker = s.update(set);
        LoadFeedback fb = s.feedback();
        Backend[] running = new Backend[100];
        for (int i = 0; i < running.length; i++) {
            running[i] = picker.pick(RequestContext.EMPTY).backend();
            fb.onStart(running[i]);
        }
        int[] counts = new int[weights.length];
        int steps = 100_000;
        for (int i = 0; i < steps; i++) {
            int slot = random.nextInt(running.length);
            fb.onComplete(running[slot], 1_000L, Outcome.SUCCESS);
            Backend b = picker.pick(RequestContext.EMPTY).backend();
            fb.onStart(b);
            running[slot] = b;
            counts[set.indexOf(b.id())]++;
        }
        long total = 0;
        for (int w : weights) {
            total += w;
        }
        for (int i = 0; i < weights.length; i++) {
            double share = counts[i] / (double) steps;
            double expected = weights[i] / (double) total;
            int idx = i;
            assertTrue(Math.abs(share - expected) <= tolerance, () -> "backend " + idx + " share " + share
                    + " (expected " + expected + " +/- " + tolerance + ")");
        }
        int sum = 0;
        for (Backend b : set.backends()) {
            sum += s.inFlight(b.id());
        }
        assertEquals(100, sum);
    }
    @Test
    void pick_oneBackendTwentyTimesSlower_getsFarLessThanAThird() {
        // 32 clients in a closed loop over backends of 1 ms, 1 ms and 20 ms: round robin would give the slow one a
        // third of all requests (and most of the waiting); a load-aware pick starves it of new requests instead
        BackendSet set = TestBackends.of(3);
        ManualTicker ticker = new ManualTicker();
        PowerOfTwoProvider p = new PowerOfTwoProvider();
        PowerOfTwoStrategy s = (PowerOfTwoStrategy) p.newStrategy(p.parseConfig(Map.of()).config(),
                TestContexts.context(ticker, new SeededRandom(20)));
        int[] picks = ClosedLoopSimulation.run(s.update(set), s.feedback(), set,
                new long[] {1_000_000L, 1_000_000L, 20_000_000L}, 32, 100_000, ticker);
        double slowShare = picks[2] / (double) (picks[0] + picks[1] + picks[2]);
        assertTrue(slowShare < 0.10, () -> "slow backend share " + slowShare + " (expected: below 0.10)");
        assertTrue(Math.abs(picks[0] - picks[1]) < 0.05 * picks[0], () -> java.util.Arrays.toString(picks));
    }
}
