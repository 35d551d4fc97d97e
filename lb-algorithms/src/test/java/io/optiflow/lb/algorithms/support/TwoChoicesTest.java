package io.optiflow.lb.algorithms.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TwoChoicesTest {

    @Test
    void split_everyPairOfSmallPools_reachedByItsScriptedDraw() {
        for (int n = 2; n <= 9; n++) {
            for (int first = 0; first < n; first++) {
                for (int second = 0; second < n - 1; second++) {
                    long draw = PairDraws.of(n, first, second);
                    int i = TwoChoices.first(draw, n);
                    assertEquals(first, i, "first of n=" + n);
                    assertEquals(second >= first ? second + 1 : second, TwoChoices.second(draw, n, i),
                            "second of n=" + n + ", draws " + first + ", " + second);
                }
            }
        }
    }

    @Test
    void split_extremeDraws_stayInRangeAndDistinct() {
        int[] sizes = {2, 3, 1000, Integer.MAX_VALUE};
        long[] draws = {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFF_FFFFL, 0xFFFF_FFFF_0000_0000L};
        for (int n : sizes) {
            for (long d : draws) {
                int i = TwoChoices.first(d, n);
                int j = TwoChoices.second(d, n, i);
                assertTrue(i >= 0 && i < n && j >= 0 && j < n, n + ": " + i + ", " + j);
                assertNotEquals(i, j, "n=" + n + " draw " + Long.toHexString(d));
            }
        }
    }

    @Test
    void split_seededDraws_everyOrderedPairAboutEquallyOften() {
        int n = 5;
        int draws = 200_000;
        int[][] counts = new int[n][n];
        SplittableRandom random = new SplittableRandom(42);
        for (int k = 0; k < draws; k++) {
            long d = random.nextLong();
            int i = TwoChoices.first(d, n);
            counts[i][TwoChoices.second(d, n, i)]++;
        }
        double expected = draws / (double) (n * (n - 1)); // 10,000; a standard deviation is about 100
        for (int i = 0; i < n; i++) {
            assertEquals(0, counts[i][i], "a backend against itself");
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    assertEquals(expected, counts[i][j], expected * 0.05, "pair " + i + ", " + j);
                }
            }
        }
    }
}
