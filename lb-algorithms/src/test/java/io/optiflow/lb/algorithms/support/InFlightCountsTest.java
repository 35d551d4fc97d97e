package io.optiflow.lb.algorithms.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.testkit.TestBackends;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InFlightCountsTest {

    private static final Backend B1 = TestBackends.backend(1);
    private static final Backend B2 = TestBackends.backend(2);
    private static final Backend B3 = TestBackends.backend(3);

    @Test
    void update_keptBackend_sameCounterObject() {
        InFlightCounts counts = new InFlightCounts();
        AtomicInteger[] first = counts.update(BackendSet.of(B1, B2));
        AtomicInteger[] second = counts.update(BackendSet.of(B1, B3));
        assertSame(first[0], second[0], "b0001 keeps its counter, so older pickers and feedback share it");
        assertEquals(2, second.length);
    }

    @Test
    void update_removedBackend_keptWhileBusyDroppedWhenIdle() {
        InFlightCounts counts = new InFlightCounts();
        counts.update(BackendSet.of(B1, B2));
        counts.onStart(B2);
        counts.update(BackendSet.of(B1));
        assertEquals(Set.of("b0001", "b0002"), counts.trackedIds());
        counts.onComplete(B2, 1L, Outcome.SUCCESS);
        counts.update(BackendSet.of(B1));
        assertEquals(Set.of("b0001"), counts.trackedIds());
    }

    @Test
    void onComplete_unknownOrIdle_staysAtZero() {
        InFlightCounts counts = new InFlightCounts();
        counts.onStart(B1); // before any update: unknown
        counts.onComplete(B1, 1L, Outcome.IGNORED);
        counts.update(BackendSet.of(B1));
        counts.onComplete(B1, 1L, Outcome.IGNORED);
        assertEquals(0, counts.inFlight("b0001"));
        assertEquals(0, counts.inFlight("nope"));
    }

    @Test
    void lessLoaded_crossMultiplied_exactWithoutDivision() {
        assertTrue(InFlightCounts.lessLoaded(2, 3, 1, 1)); // 0.67 < 1
        assertFalse(InFlightCounts.lessLoaded(3, 3, 1, 1)); // equal is not less
        assertFalse(InFlightCounts.lessLoaded(0, 1, 0, 5)); // idle ties idle
        assertTrue(InFlightCounts.lessLoaded(Integer.MAX_VALUE - 1, 10_000, Integer.MAX_VALUE, 10_000));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void feedback_manyThreadsWhileSnapshotsChange_countsBalanceToZero() throws Exception {
        InFlightCounts counts = new InFlightCounts();
        BackendSet all = TestBackends.of(4);
        BackendSet some = BackendSet.of(TestBackends.backend(1), TestBackends.backend(2));
        counts.update(all);
        int threads = 4;
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch done = new CountDownLatch(threads);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            Thread th = new Thread(() -> {
                try {
                    ready.countDown();
                    for (int i = 0; i < 50_000; i++) {
                        Backend b = all.get((i + seed) & 1); // b0001 and b0002 stay in every snapshot
                        counts.onStart(b);
                        counts.onStart(b);
                        counts.onComplete(b, 1L, Outcome.SUCCESS);
                        counts.onComplete(b, 1L, Outcome.IGNORED);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    done.countDown();
                }
            });
            th.setDaemon(true);
            th.start();
        }
        ready.await(10, TimeUnit.SECONDS);
        for (int i = 0; i < 2_000 && done.getCount() > 0; i++) {
            counts.update(i % 2 == 0 ? some : all); // the one writer, racing the feedback
        }
        assertTrue(done.await(50, TimeUnit.SECONDS), "feedback threads did not finish");
        assertTrue(errors.isEmpty(), errors::toString);
        // a kept backend's counter is never swapped, so no start or completion is lost across updates
        assertEquals(0, counts.inFlight("b0001"));
        assertEquals(0, counts.inFlight("b0002"));
    }
}
