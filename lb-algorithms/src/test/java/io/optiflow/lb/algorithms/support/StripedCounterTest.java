package io.optiflow.lb.algorithms.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StripedCounterTest {

    @Test
    void sum_addsAndSubtractsFromOneThread_exact() {
        StripedCounter c = new StripedCounter();
        c.increment();
        c.increment();
        c.add(40);
        c.decrement();
        assertEquals(41, c.sum());
        c.add(-41);
        assertEquals(0, c.sum());
    }

    @Test
    void sum_fourThreadsAddingAndTakingAway_exactAfterTheyEnd() throws Exception {
        StripedCounter c = new StripedCounter();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100_000; i++) {
                    c.increment();
                    if (i % 2 == 0) {
                        c.decrement();
                    }
                }
                c.add(id);
            });
            threads[t].start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertEquals(4 * 50_000 + 0 + 1 + 2 + 3, c.sum());
    }

    @Test
    void index_manyThreads_spreadOverTheStripesWithinTheArray() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            int index = StripedCounter.index(new Thread(() -> { }));
            assertTrue(index >= 16 && index <= StripedCounter.STRIPES * 16, () -> "index " + index);
            assertEquals(0, index % 16, () -> "index " + index);
            seen.add(index);
        }
        // 400 threads over 16 stripes: every stripe is used (a constant index would defeat the striping)
        assertEquals(StripedCounter.STRIPES, seen.size());
    }
}
