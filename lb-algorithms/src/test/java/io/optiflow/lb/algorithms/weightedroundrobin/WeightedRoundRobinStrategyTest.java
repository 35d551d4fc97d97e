package io.optiflow.lb.algorithms.weightedroundrobin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

class WeightedRoundRobinStrategyTest {

    private static Strategy strategy(RandomSource random, Map<String, String> raw) {
        WeightedRoundRobinProvider p = new WeightedRoundRobinProvider();
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
    void pick_weights511_smoothNotBursty() {
        ScriptedRandom random = ScriptedRandom.ints(0);
        Picker picker = strategy(random, Map.of()).update(TestBackends.weighted(5, 1, 1));
        assertEquals("aabacaa" + "aabacaa", letters(picker, 14));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_weights32_alternates() {
        Picker picker = strategy(ScriptedRandom.ints(0), Map.of()).update(TestBackends.weighted(3, 2));
        assertEquals("ababa" + "ababa", letters(picker, 10));
    }

    @Test
    void pick_weights421_exactNginxSequence() {
        // nginx by hand: (4,2,1) a (-3,2,1) | (1,4,2) b (1,-3,2) | (5,-1,3) a (-2,-1,3) | (2,1,4) c (2,1,-3) |
        // (6,3,-2) a (-1,3,-2) | (3,5,-1) b (3,-2,-1) | (7,0,0) a (0,0,0)
        Picker picker = strategy(ScriptedRandom.ints(0), Map.of()).update(TestBackends.weighted(4, 2, 1));
        assertEquals("abacaba", letters(picker, 7));
    }

    @Test
    void pick_weightsWithCommonDivisor_sameSequenceAsReduced() {
        Strategy s = strategy(ScriptedRandom.ints(0), Map.of());
        Picker picker = s.update(TestBackends.weighted(10, 2, 2));
        assertEquals(7, ((WeightedRoundRobinPicker) picker).cycleLength());
        assertEquals("aabacaa", letters(picker, 7));
    }

    @Test
    void pick_equalWeights_plainRotation() {
        Picker picker = strategy(ScriptedRandom.ints(0), Map.of()).update(TestBackends.weighted(7, 7, 7, 7));
        assertEquals("abcdabcd", letters(picker, 8));
    }

    @Test
    void update_randomStart_beginsAtTheDrawnPosition() {
        ScriptedRandom random = ScriptedRandom.ints(3, 1);
        Strategy s = strategy(random, Map.of());
        assertEquals("acaaaab", letters(s.update(TestBackends.weighted(5, 1, 1)), 7));
        assertEquals("babaa", letters(s.update(TestBackends.weighted(3, 2)), 5)); // a b a b a from 1
        assertEquals(0, random.remaining());
    }

    @Test
    void update_singleBackend_drawsNothing() {
        Picker picker = strategy(new ScriptedRandom(), Map.of()).update(TestBackends.weighted(9));
        assertEquals("aaa", letters(picker, 3));
    }

    @Test
    void update_randomStartFalse_carriesOnWithoutDrawing() {
        Strategy s = strategy(new ScriptedRandom(), Map.of("random-start", "false"));
        assertEquals("aab", letters(s.update(TestBackends.weighted(5, 1, 1)), 3));
        // position 3 in the new cycle a b a b a
        assertEquals("baaba", letters(s.update(TestBackends.weighted(3, 2)), 5));
    }

    @Test
    void update_weightSumOverMaxCycle_scaledDownEveryBackendKeepsATurn() {
        Strategy s = strategy(ScriptedRandom.ints(0), Map.of("max-cycle", "1024"));
        Picker picker = s.update(TestBackends.weighted(10_000, 1, 5_000));
        int length = ((WeightedRoundRobinPicker) picker).cycleLength();
        // 10000:1:5000 sums to 15001 > 1024: scaled by 1024/15001 to 682:1:341 (the 1 kept at 1)
        assertEquals(682 + 1 + 341, length);
        String cycle = letters(picker, length);
        assertEquals(682, cycle.chars().filter(c -> c == 'a').count());
        assertEquals(1, cycle.chars().filter(c -> c == 'b').count());
        assertEquals(341, cycle.chars().filter(c -> c == 'c').count());
        assertTrue(!cycle.contains("aaa"), "a 2:1 weight ratio never sends three in a row to a");
    }

    @Test
    void smoothSequence_anyWeights_eachBackendExactlyItsWeightPerCycle() {
        int[] weights = {7, 1, 3, 13, 2};
        int[] seq = WeightedRoundRobinStrategy.smoothSequence(weights);
        int[] counts = new int[weights.length];
        for (int i : seq) {
            counts[i]++;
        }
        assertArrayEquals(weights, counts);
    }

    @Test
    void smoothSequence_seededWeightVectors_sameAsNginxLiteralScan() {
        SeededRandom random = new SeededRandom(2024);
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(12);
            int maxWeight = round % 3 == 0 ? 3 : round % 3 == 1 ? 20 : 400; // few to many distinct weights
            int[] weights = new int[n];
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(maxWeight);
            }
            assertArrayEquals(nginx(weights), WeightedRoundRobinStrategy.smoothSequence(weights),
                    () -> java.util.Arrays.toString(weights));
        }
    }

    /** ngx_http_upstream_get_peer transcribed: the oracle for the grouped computation. */
    private static int[] nginx(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int[] current = new int[weights.length];
        int[] seq = new int[total];
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (best == -1 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            seq[step] = best;
        }
        return seq;
    }

    @Test
    void pick_weights532SeededStart_sharesExactOver100000Picks() {
        BackendSet set = TestBackends.weighted(5, 3, 2);
        Picker picker = strategy(new SeededRandom(532), Map.of()).update(set);
        int[] counts = new int[3];
        for (int i = 0; i < 100_000; i++) {
            counts[set.indexOf(picker.pick(RequestContext.EMPTY).backend().id())]++;
        }
        // 10,000 whole cycles of 10: exact whatever the start (tolerance 0, stricter than the 2 % asked of random)
        assertArrayEquals(new int[] {50_000, 30_000, 20_000}, counts);
    }

    @Test
    void pick_anyWindowOfOneCycle_sharesWithinOneOfTheWeight() {
        // smoothness: in every window of 10 consecutive picks each backend is within one of its weight
        Picker picker = strategy(ScriptedRandom.ints(0), Map.of()).update(TestBackends.weighted(5, 3, 2));
        String picks = letters(picker, 40);
        for (int from = 0; from + 10 <= picks.length(); from++) {
            String window = picks.substring(from, from + 10);
            int[] weights = {5, 3, 2};
            for (int b = 0; b < 3; b++) {
                char c = (char) ('a' + b);
                long n = window.chars().filter(x -> x == c).count();
                int fb = from;
                assertTrue(Math.abs(n - weights[b]) <= 1, () -> "window at " + fb + " '" + window + "'");
            }
        }
    }
}
