package io.optiflow.lb.algorithms.consistenthash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.testkit.TestBackends;
import org.junit.jupiter.api.Test;

class HashRingTest {

    /** The answer by definition: the first point at or after key, else the first point. */
    private static int linear(HashRing ring, long key) {
        for (int i = 0; i < ring.size(); i++) {
            if (ring.points[i] >= key) {
                return i;
            }
        }
        return 0;
    }

    private static void assertLocatesLikeLinearScan(HashRing ring) {
        long[] edges = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        for (long key : edges) {
            assertEquals(linear(ring, key), ring.locate(key), () -> "key " + key);
        }
        for (int i = 0; i < ring.size(); i += Math.max(1, ring.size() / 500)) {
            for (long d = -1; d <= 1; d++) {
                long key = ring.points[i] + d;
                assertEquals(linear(ring, key), ring.locate(key), () -> "key " + key);
            }
        }
        for (int i = 0; i < 2_000; i++) {
            long key = RequestContext.mix(i);
            assertEquals(linear(ring, key), ring.locate(key), () -> "key " + key);
        }
    }

    @Test
    void locate_tinyRing_matchesLinearScan() {
        assertLocatesLikeLinearScan(HashRing.build(TestBackends.of(1), 1, 1024));
        assertLocatesLikeLinearScan(HashRing.build(TestBackends.of(3), 4, 1024));
    }

    @Test
    void locate_mediumRing_matchesLinearScan() {
        assertLocatesLikeLinearScan(HashRing.build(TestBackends.weighted(1, 2, 3, 4, 5, 6, 7, 8), 160, 262_144));
    }

    @Test
    void locate_largeCappedRing_matchesLinearScan() {
        assertLocatesLikeLinearScan(HashRing.build(TestBackends.of(2_000), 160, 262_144));
    }
}
