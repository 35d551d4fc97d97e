package io.optiflow.lb.algorithms.roundrobin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.ScriptedRandom;
import io.optiflow.lb.testkit.SeededRandom;
import io.optiflow.lb.testkit.TestBackends;
import io.optiflow.lb.testkit.TestContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RoundRobinStrategyTest {

    private static Strategy strategy(RandomSource random, Map<String, String> raw) {
        RoundRobinProvider p = new RoundRobinProvider();
        return p.newStrategy(p.parseConfig(raw).config(), TestContexts.context(new ManualTicker(), random));
    }

    private static List<String> picks(Picker picker, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(picker.pick(RequestContext.EMPTY).backend().id());
        }
        return ids;
    }

    @Test
    void pick_randomStart_rotatesFromTheDrawnOffset() {
        ScriptedRandom random = ScriptedRandom.ints(2);
        Picker picker = strategy(random, Map.of()).update(TestBackends.of(4));
        assertEquals(List.of("b0003", "b0004", "b0001", "b0002", "b0003", "b0004", "b0001"), picks(picker, 7));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_weightedBackends_weightsIgnored() {
        Picker picker = strategy(ScriptedRandom.ints(0), Map.of()).update(TestBackends.weighted(5, 1, 1));
        assertEquals(List.of("b0001", "b0002", "b0003", "b0001", "b0002", "b0003"), picks(picker, 6));
    }

    @Test
    void update_randomStart_eachSnapshotDrawsItsOwnOffset() {
        ScriptedRandom random = ScriptedRandom.ints(1, 0);
        Strategy s = strategy(random, Map.of());
        assertEquals(List.of("b0002", "b0003"), picks(s.update(TestBackends.of(3)), 2));
        assertEquals(List.of("b0001", "b0002", "b0003", "b0004"), picks(s.update(TestBackends.of(4)), 4));
        assertEquals(0, random.remaining());
    }

    @Test
    void update_singleBackend_drawsNothingAndAlwaysPicksIt() {
        ScriptedRandom random = new ScriptedRandom(); // any draw would fail the test
        Picker picker = strategy(random, Map.of()).update(TestBackends.of(1));
        assertEquals(List.of("b0001", "b0001", "b0001"), picks(picker, 3));
    }

    @Test
    void update_emptySnapshot_noBackendAndNoDraw() {
        Picker picker = strategy(new ScriptedRandom(), Map.of()).update(BackendSet.empty());
        assertSame(Rejection.NO_BACKEND, picker.pick(RequestContext.EMPTY));
    }

    @Test
    void update_randomStartFalse_carriesTheRotationOn() {
        ScriptedRandom random = new ScriptedRandom(); // random-start=false draws nothing
        Strategy s = strategy(random, Map.of("random-start", "false"));
        assertEquals(List.of("b0001", "b0002"), picks(s.update(TestBackends.of(3)), 2));
        // the rotation stood at position 2: the grown snapshot carries on from there, not from b0001
        assertEquals(List.of("b0003", "b0004", "b0001"), picks(s.update(TestBackends.of(4)), 3));
        // position 5 over 2 backends lands on index 1
        assertEquals(List.of("b0002", "b0001"), picks(s.update(TestBackends.of(2)), 2));
    }

    @Test
    void pick_seededStartManyPicks_sharesEqualWithinOne() {
        BackendSet set = TestBackends.of(7);
        Picker picker = strategy(new SeededRandom(7), Map.of()).update(set);
        int[] counts = new int[set.size()];
        for (int i = 0; i < 100_000; i++) {
            counts[set.indexOf(picker.pick(RequestContext.EMPTY).backend().id())]++;
        }
        for (int c : counts) {
            // 100,000 / 7 = 14,285.7: a strict rotation gives each backend 14,285 or 14,286
            assertTrue(c == 14_285 || c == 14_286, () -> java.util.Arrays.toString(counts));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void pick_fourThreadsConcurrently_everyBackendGetsExactlyItsShare() throws Exception {
        BackendSet set = TestBackends.of(4);
        Picker picker = strategy(new SeededRandom(1), Map.of()).update(set);
        AtomicIntegerArray counts = new AtomicIntegerArray(set.size());
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 25_000; i++) {
                    PickResult r = picker.pick(RequestContext.EMPTY);
                    counts.incrementAndGet(set.indexOf(r.backend().id()));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        // one atomic counter: 100,000 picks over 4 backends are exactly 25,000 each, whatever the interleaving
        for (int i = 0; i < set.size(); i++) {
            assertEquals(25_000, counts.get(i), "backend " + set.get(i).id());
        }
    }
}
