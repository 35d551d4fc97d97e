package io.optiflow.lb.algorithms.leastconnections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.algorithms.support.ClosedLoopSimulation;
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

class LeastConnectionsStrategyTest {

    private static final Backend B1 = TestBackends.backend(1);
    private static final Backend B2 = TestBackends.backend(2);
    private static final Backend B3 = TestBackends.backend(3);
    private static final Backend B4 = TestBackends.backend(4);

    private static LeastConnectionsStrategy strategy(RandomSource random, Map<String, String> raw) {
        LeastConnectionsProvider p = new LeastConnectionsProvider();
        return (LeastConnectionsStrategy) p.newStrategy(p.parseConfig(raw).config(),
                TestContexts.context(new ManualTicker(), random));
    }

    private static List<String> picks(Picker picker, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(picker.pick(RequestContext.EMPTY).backend().id());
        }
        return ids;
    }

    private static void start(LoadFeedback fb, Backend b, int times) {
        for (int i = 0; i < times; i++) {
            fb.onStart(b);
        }
    }

    @Test
    void pick_allIdle_tiesTakeTurnsFromTheDrawnTurn() {
        ScriptedRandom random = ScriptedRandom.ints(1);
        Picker picker = strategy(random, Map.of()).update(TestBackends.of(3));
        assertEquals(List.of("b0002", "b0003", "b0001", "b0002", "b0003", "b0001"), picks(picker, 6));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_unequalInFlight_fewestWins() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0), Map.of());
        Picker picker = s.update(TestBackends.of(3));
        start(s.feedback(), B1, 2);
        start(s.feedback(), B2, 1);
        assertEquals(List.of("b0003", "b0003", "b0003"), picks(picker, 3));
        start(s.feedback(), B3, 2);
        assertEquals(List.of("b0002", "b0002"), picks(picker, 2));
    }

    @Test
    void pick_pickedAndStarted_spreadsOneByOne() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0), Map.of());
        Picker picker = s.update(TestBackends.of(3));
        start(s.feedback(), B1, 1);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Backend b = picker.pick(RequestContext.EMPTY).backend();
            s.feedback().onStart(b);
            ids.add(b.id());
        }
        // the idle ones fill first; a tie goes to the first tied backend from the cursor, which then moves past it
        // (only ties move it): {b2,b3} from b1 -> b2, cursor b3; b3 alone; {b1,b2,b3} from b3 -> b3, cursor b1;
        // {b1,b2} from b1 -> b1, cursor b2; b2 alone
        assertEquals(List.of("b0002", "b0003", "b0003", "b0001", "b0002"), ids);
        assertEquals(2, s.inFlight("b0001"));
        assertEquals(2, s.inFlight("b0002"));
        assertEquals(2, s.inFlight("b0003"));
    }

    @Test
    void pick_weighted_comparesInFlightPerUnitOfWeight() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0), Map.of());
        Picker picker = s.update(TestBackends.weighted(3, 1));
        start(s.feedback(), TestBackends.backend(1, 3), 2); // 2/3
        start(s.feedback(), TestBackends.backend(2, 1), 1); // 1/1
        assertEquals(List.of("b0001", "b0001"), picks(picker, 2));
        start(s.feedback(), TestBackends.backend(1, 3), 1); // 3/3 against 1/1: a tie, turns rotate
        assertEquals(List.of("b0001", "b0002", "b0001", "b0002"), picks(picker, 4));
    }

    @Test
    void pick_respectWeightsFalse_comparesRawCounts() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0), Map.of("respect-weights", "false"));
        Picker picker = s.update(TestBackends.weighted(3, 1));
        start(s.feedback(), B1, 2);
        start(s.feedback(), B2, 1);
        assertEquals(List.of("b0002", "b0002"), picks(picker, 2));
    }

    @Test
    void onComplete_everyOutcome_releasesTheSlot() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0), Map.of());
        s.update(TestBackends.of(2));
        start(s.feedback(), B1, 3);
        s.feedback().onComplete(B1, 1_000L, Outcome.SUCCESS);
        assertEquals(2, s.inFlight("b0001"));
        s.feedback().onComplete(B1, 1_000L, Outcome.FAILURE);
        assertEquals(1, s.inFlight("b0001"));
        s.feedback().onComplete(B1, 1_000L, Outcome.IGNORED);
        assertEquals(0, s.inFlight("b0001"));
    }

    @Test
    void onComplete_withoutStart_neverBelowZero() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0), Map.of());
        Picker picker = s.update(TestBackends.of(2));
        s.feedback().onComplete(B1, 1_000L, Outcome.IGNORED);
        s.feedback().onComplete(B1, 1_000L, Outcome.SUCCESS);
        assertEquals(0, s.inFlight("b0001"));
        // a negative count would make b0001 look less loaded than an idle b0002 forever
        s.feedback().onStart(B1);
        assertEquals(List.of("b0002", "b0002"), picks(picker, 2));
    }

    @Test
    void update_keptBackend_keepsItsCount() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0, 0), Map.of());
        s.update(TestBackends.of(3));
        start(s.feedback(), B1, 3);
        start(s.feedback(), B2, 1);
        Picker picker = s.update(BackendSet.of(B1, B2, B4));
        assertEquals(3, s.inFlight("b0001"));
        assertEquals(1, s.inFlight("b0002"));
        assertEquals(0, s.inFlight("b0004"));
        assertEquals(List.of("b0004"), picks(picker, 1));
        s.feedback().onStart(B4);
        s.feedback().onStart(B4);
        assertEquals(List.of("b0002"), picks(picker, 1));
    }

    @Test
    void update_keptBackendWithChangedWeight_keepsCountAndUsesNewWeight() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0, 0), Map.of());
        s.update(TestBackends.of(2));
        start(s.feedback(), B1, 2);
        start(s.feedback(), B2, 1);
        Picker picker = s.update(TestBackends.weighted(4, 1)); // b0001 now weight 4: 2/4 < 1/1
        assertEquals(2, s.inFlight("b0001"));
        assertEquals(List.of("b0001"), picks(picker, 1));
    }

    @Test
    void feedback_removedIdleBackend_ignored() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0, 0, 0), Map.of());
        s.update(TestBackends.of(3));
        s.update(BackendSet.of(B1, B3)); // b0002 idle: forgotten
        s.feedback().onStart(B2);
        s.feedback().onComplete(B2, 1_000L, Outcome.FAILURE);
        s.feedback().onStart(B2);
        assertEquals(0, s.inFlight("b0002"));
        Picker picker = s.update(TestBackends.of(3)); // back, with a clean count
        assertEquals(0, s.inFlight("b0002"));
        start(s.feedback(), B1, 1);
        start(s.feedback(), B3, 1);
        assertEquals(List.of("b0002"), picks(picker, 1));
    }

    @Test
    void update_removedBusyBackend_drainsAndComesBackWithExactCount() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0, 0, 0, 0, 0), Map.of());
        s.update(TestBackends.of(3));
        start(s.feedback(), B2, 3);
        Picker without = s.update(BackendSet.of(B1, B3)); // b0002 ejected while 3 requests still run on it
        assertEquals(List.of("b0001", "b0003"), picks(without, 2));
        s.feedback().onComplete(B2, 1_000L, Outcome.SUCCESS);
        assertEquals(2, s.inFlight("b0002"));
        Picker back = s.update(TestBackends.of(3)); // health flapped back: its 2 requests still count
        assertEquals(2, s.inFlight("b0002"));
        start(s.feedback(), B1, 1);
        start(s.feedback(), B3, 1);
        assertEquals(List.of("b0001", "b0003"), picks(back, 2));
        s.feedback().onComplete(B2, 1_000L, Outcome.SUCCESS);
        s.feedback().onComplete(B2, 1_000L, Outcome.SUCCESS);
        s.update(BackendSet.of(B1, B3));
        s.update(BackendSet.of(B1, B3)); // idle now: forgotten at the next update
        s.feedback().onStart(B2);
        assertEquals(0, s.inFlight("b0002"));
    }

    @Test
    void handover_seededWithInFlightThenIgnoredCompletions_countsExact() {
        BackendSet set = TestBackends.of(3);
        LeastConnectionsStrategy old = strategy(new SeededRandom(3), Map.of());
        Picker oldPicker = old.update(set);
        List<Backend> running = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Backend b = oldPicker.pick(RequestContext.EMPTY).backend();
            old.feedback().onStart(b);
            running.add(b);
        }
        start(old.feedback(), B1, 5);
        for (int i = 0; i < 5; i++) {
            running.add(B1);
        }
        // the core's protocol: update, then one onStart per request in flight on the old strategy
        LeastConnectionsStrategy next = strategy(ScriptedRandom.ints(0), Map.of());
        Picker picker = next.update(set);
        for (Backend b : running) {
            next.feedback().onStart(b);
        }
        for (Backend b : set.backends()) {
            assertEquals(old.inFlight(b.id()), next.inFlight(b.id()), b.id());
        }
        assertTrue(next.inFlight("b0001") >= 8, "3 or 4 from the rotation plus the 5");
        assertEquals(15, next.inFlight("b0001") + next.inFlight("b0002") + next.inFlight("b0003"));
        // the seeded load steers the new picker away from the busy backend at once
        assertFalse(picker.pick(RequestContext.EMPTY).backend().id().equals("b0001"));
        for (Backend b : running) {
            next.feedback().onComplete(b, 0L, Outcome.IGNORED);
        }
        for (Backend b : set.backends()) {
            assertEquals(0, next.inFlight(b.id()), b.id());
        }
    }

    @Test
    void feedback_beforeFirstUpdate_ignored() {
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0), Map.of());
        s.feedback().onStart(B1);
        s.feedback().onComplete(B2, 1L, Outcome.SUCCESS);
        s.update(TestBackends.of(2));
        assertEquals(0, s.inFlight("b0001"));
    }

    @Test
    void pick_closedLoopWithWeights532_inFlightAndPickSharesFollowWeightsWithin2Percent() {
        // 100 requests always in flight; each step one of them, drawn uniformly, completes and a new one is
        // picked. Least-connections keeps in-flight proportional to weight, so picks follow weight too.
        BackendSet set = TestBackends.weighted(5, 3, 2);
        SeededRandom random = new SeededRandom(532);
        LeastConnectionsStrategy s = strategy(random, Map.of());
        Picker picker = s.update(set);
        LoadFeedback fb = s.feedback();
        Backend[] running = new Backend[100];
        for (int i = 0; i < running.length; i++) {
            running[i] = picker.pick(RequestContext.EMPTY).backend();
            fb.onStart(running[i]);
        }
        assertEquals(50, s.inFlight("b0001"));
        assertEquals(30, s.inFlight("b0002"));
        assertEquals(20, s.inFlight("b0003"));
        int[] counts = new int[3];
        int steps = 100_000;
        for (int i = 0; i < steps; i++) {
            int slot = random.nextInt(running.length);
            fb.onComplete(running[slot], 1_000L, Outcome.SUCCESS);
            Backend b = picker.pick(RequestContext.EMPTY).backend();
            fb.onStart(b);
            running[slot] = b;
            counts[set.indexOf(b.id())]++;
        }
        double[] expected = {0.5, 0.3, 0.2};
        for (int i = 0; i < 3; i++) {
            double share = counts[i] / (double) steps;
            int idx = i;
            assertTrue(Math.abs(share - expected[i]) <= 0.02,
                    () -> "backend " + idx + " share " + share + " (expected " + expected[idx] + " +/- 0.02)");
        }
        assertEquals(100, s.inFlight("b0001") + s.inFlight("b0002") + s.inFlight("b0003"));
    }
    @Test
    void pick_oneBackendTwentyTimesSlower_getsFarLessThanAThird() {
        // 32 clients in a closed loop over backends of 1 ms, 1 ms and 20 ms: round robin would give the slow one a
        // third of all requests (and most of the waiting); a load-aware pick starves it of new requests instead
        BackendSet set = TestBackends.of(3);
        ManualTicker ticker = new ManualTicker();
        LeastConnectionsProvider p = new LeastConnectionsProvider();
        LeastConnectionsStrategy s = (LeastConnectionsStrategy) p.newStrategy(p.parseConfig(Map.of()).config(),
                TestContexts.context(ticker, new SeededRandom(20)));
        int[] picks = ClosedLoopSimulation.run(s.update(set), s.feedback(), set,
                new long[] {1_000_000L, 1_000_000L, 20_000_000L}, 32, 100_000, ticker);
        double slowShare = picks[2] / (double) (picks[0] + picks[1] + picks[2]);
        assertTrue(slowShare < 0.05, () -> "slow backend share " + slowShare + " (expected: below 0.05)");
        assertTrue(Math.abs(picks[0] - picks[1]) < 0.05 * picks[0], () -> java.util.Arrays.toString(picks));
    }

    @Test
    void pick_oneBackendHeldBusy_idleOnesShareExactlyEvenly() {
        // a scan that starts one place further per pick would give the backend after the busy one two turns in four
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0), Map.of());
        Picker picker = s.update(TestBackends.of(4));
        s.feedback().onStart(B1);
        int[] counts = new int[4];
        for (int i = 0; i < 3_000; i++) {
            Backend b = picker.pick(RequestContext.EMPTY).backend();
            s.feedback().onStart(b);
            s.feedback().onComplete(b, 1_000L, Outcome.SUCCESS);
            counts[Integer.parseInt(b.id().substring(1)) - 1]++;
        }
        assertEquals(List.of(0, 1_000, 1_000, 1_000), List.of(counts[0], counts[1], counts[2], counts[3]));
    }

    @Test
    void pick_uniqueWinnersBetweenTies_tiedBackendsStillAlternate() {
        // b2 alone least loaded, then b1 and b3 tied, over and over: b2's picks must not hand b3 every tie
        LeastConnectionsStrategy s = strategy(ScriptedRandom.ints(0), Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        List<String> tieWinners = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            start(fb, B1, 1);
            start(fb, B3, 1);
            assertEquals("b0002", picker.pick(RequestContext.EMPTY).backend().id());
            fb.onComplete(B1, 1_000L, Outcome.SUCCESS);
            fb.onComplete(B3, 1_000L, Outcome.SUCCESS);
            start(fb, B2, 1);
            tieWinners.add(picker.pick(RequestContext.EMPTY).backend().id());
            fb.onComplete(B2, 1_000L, Outcome.SUCCESS);
        }
        assertEquals(List.of("b0001", "b0003", "b0001", "b0003", "b0001", "b0003"), tieWinners);
    }

    @Test
    void pick_randomLoadsAndWeights_alwaysAMinimalLoadPerUnitOfWeight() {
        // the early exit at idle backends and the ring-order scan against a brute-force minimum
        SeededRandom draws = new SeededRandom(77);
        for (int round = 0; round < 300; round++) {
            int n = 2 + draws.nextInt(40);
            int[] weights = new int[n];
            List<Backend> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + draws.nextInt(5);
                list.add(TestBackends.backend(i + 1, weights[i]));
            }
            LeastConnectionsStrategy s = strategy(new SeededRandom(round), Map.of());
            Picker picker = s.update(BackendSet.of(list));
            int[] loads = new int[n];
            for (int i = 0; i < n; i++) {
                loads[i] = draws.nextInt(4) == 0 ? 0 : draws.nextInt(6); // about a third idle, some rounds none
                start(s.feedback(), list.get(i), loads[i]);
            }
            for (int k = 0; k < 5; k++) {
                int chosen = list.indexOf(picker.pick(RequestContext.EMPTY).backend());
                for (int i = 0; i < n; i++) {
                    int idx = i;
                    assertFalse((long) loads[i] * weights[chosen] < (long) loads[chosen] * weights[i],
                            () -> "round with " + n + " backends: picked " + chosen + " (" + loads[chosen] + "/"
                                    + weights[chosen] + ") but " + idx + " has " + loads[idx] + "/" + weights[idx]);
                }
            }
        }
    }
}
