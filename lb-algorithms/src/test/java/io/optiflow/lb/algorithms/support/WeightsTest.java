package io.optiflow.lb.algorithms.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.testkit.TestBackends;
import org.junit.jupiter.api.Test;

class WeightsTest {

    @Test
    void reduced_commonDivisor_divided() {
        assertArrayEquals(new int[] {5, 1, 1}, Weights.reduced(TestBackends.weighted(10, 2, 2), 1 << 16));
        assertArrayEquals(new int[] {1, 1}, Weights.reduced(TestBackends.weighted(7, 7), 1 << 16));
    }

    @Test
    void reduced_sumOverCap_scaledDownAndEveryBackendKeepsOne() {
        // 10000:1:5000 over a cap of 1024: 10000*1024/15001 = 682, 1 -> at least 1, 5000*1024/15001 = 341
        assertArrayEquals(new int[] {682, 1, 341}, Weights.reduced(TestBackends.weighted(10_000, 1, 5_000), 1024));
    }

    @Test
    void reduced_scaledToCommonDivisor_dividedAgain() {
        // 3000:3000:6000 -> gcd 3000 -> 1:1:2, under any cap
        assertArrayEquals(new int[] {1, 1, 2}, Weights.reduced(TestBackends.weighted(3000, 3000, 6000), 4));
    }

    @Test
    void reduced_empty_empty() {
        assertEquals(0, Weights.reduced(BackendSet.empty(), 16).length);
        assertEquals(0L, Weights.sum(new int[0]));
    }
}
