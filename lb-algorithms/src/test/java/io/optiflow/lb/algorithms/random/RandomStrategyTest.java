package io.optiflow.lb.algorithms.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.ScriptedRandom;
import io.optiflow.lb.testkit.SeededRandom;
import io.optiflow.lb.testkit.TestBackends;
import io.optiflow.lb.testkit.TestContexts;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomStrategyTest {

    private static Strategy strategy(RandomSource random, Map<String, String> raw) {
        RandomProvider p = new RandomProvider();
        return p.newStrategy(p.parseConfig(raw).config(), TestContexts.context(new ManualTicker(), random));
    }

    /** Picks as letters: b0001 is a, b0002 is b, ... */
    private static String letters(Picker picker, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String id = picker.pick(RequestContext.EMPTY).backend().id();
            sb.append((char) ('a' + Integer.parseInt(id.substring(1)) - 1));
        }
        return sb.toString();
    }

    @Test
    void pick_equalWeights_oneDrawPerPickIsTheBackendIndex() {
        ScriptedRandom random = ScriptedRandom.ints(2, 0, 1, 3);
        Picker picker = strategy(random, Map.of()).update(TestBackends.weighted(4, 4, 4, 4));
        assertEquals("cabd", letters(picker, 4));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_weights13_columnThenCoin() {
        // total 4, two columns of 4 units: b0001 owns 2 units, all in column 0; b0002 owns the other 6
        ScriptedRandom random = ScriptedRandom.ints(
                0, 0,   // column 0, coin 0 < 2 -> a
                0, 1,   // column 0, coin 1 < 2 -> a
                0, 2,   // column 0, coin 2 -> the alias, b
                0, 3,   // -> b
                1);     // column 1 is full: b, and no coin is drawn
        Picker picker = strategy(random, Map.of()).update(TestBackends.weighted(1, 3));
        assertEquals("aabbb", letters(picker, 5));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_respectWeightsFalse_uniformOneDraw() {
        ScriptedRandom random = ScriptedRandom.ints(1, 0);
        Picker picker = strategy(random, Map.of("respect-weights", "false")).update(TestBackends.weighted(9, 1));
        assertEquals("ba", letters(picker, 2));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_singleBackend_drawsNothing() {
        Picker picker = strategy(new ScriptedRandom(), Map.of()).update(TestBackends.weighted(5));
        assertEquals("aaa", letters(picker, 3));
    }

    @Test
    void aliasTable_everyColumnAndCoin_givesEachBackendExactlyItsWeightShare() {
        for (int[] weights : new int[][] {{7, 1, 3, 13, 2}, {1, 10_000}, {5, 3, 2}, {2, 2, 3}, {1, 1, 1, 9999}}) {
            BackendSet set = TestBackends.weighted(weights);
            RandomPicker picker = (RandomPicker) strategy(new SeededRandom(1), Map.of()).update(set);
            int n = weights.length;
            int total = picker.total();
            long[] units = new long[n];
            for (int column = 0; column < n; column++) {
                for (int coin = 0; coin < total; coin++) {
                    units[picker.resolve(column, coin)]++;
                }
            }
            long weightSum = 0;
            for (int w : weights) {
                weightSum += w;
            }
            for (int i = 0; i < n; i++) {
                // P(i) = units / (n * total) must equal weights[i] / weightSum exactly
                assertEquals(weights[i] * (long) n * total, units[i] * weightSum,
                        "backend " + i + " of " + java.util.Arrays.toString(weights));
            }
        }
    }

    @Test
    void pick_weights532Seeded_sharesWithin1PercentOver100000Picks() {
        BackendSet set = TestBackends.weighted(5, 3, 2);
        Picker picker = strategy(new SeededRandom(532), Map.of()).update(set);
        int[] counts = new int[3];
        int picks = 100_000;
        for (int i = 0; i < picks; i++) {
            counts[set.indexOf(picker.pick(RequestContext.EMPTY).backend().id())]++;
        }
        // standard deviation of a share at 100,000 picks is at most 0.0016: 0.01 is over 6 of them
        double[] expected = {0.5, 0.3, 0.2};
        for (int i = 0; i < 3; i++) {
            double share = counts[i] / (double) picks;
            int idx = i;
            assertTrue(Math.abs(share - expected[i]) <= 0.01,
                    () -> "backend " + idx + " share " + share + " (expected " + expected[idx] + " +/- 0.01)");
        }
    }

    @Test
    void update_weightsChange_newTableFollowsNewWeights() {
        ScriptedRandom random = ScriptedRandom.ints(0, 2, 1, 2, 0);
        Strategy s = strategy(random, Map.of());
        // 1:3 -> column 0 keeps 2 of 4 units for a: coin 2 goes to the alias b
        assertEquals("b", letters(s.update(TestBackends.weighted(1, 3)), 1));
        // 3:1 -> column 1 keeps 2 of 4 units for b: coin 2 goes to a; column 0 is full: a with no coin
        assertEquals("aa", letters(s.update(TestBackends.weighted(3, 1)), 2));
        assertEquals(0, random.remaining());
    }
}
