package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A service's in-flight cap and its bounded queue, without a network. */
class AdmissionTest {

    /** A waiter that records being admitted, in order. */
    private static final class Recorder extends Admission.Waiter {
        final int id;
        final List<Integer> order;

        Recorder(int id, List<Integer> order) {
            this.id = id;
            this.order = order;
        }

        @Override
        void admitted() {
            synchronized (order) {
                order.add(id);
            }
        }
    }

    @Test
    void tryEnter_upToTheCap_thenRefuses() {
        Admission a = new Admission(2, 0, 1000);
        assertTrue(a.tryEnter());
        assertTrue(a.tryEnter());
        assertFalse(a.tryEnter());
        assertEquals(2, a.inFlight());
        a.exit();
        assertTrue(a.tryEnter());
    }

    @Test
    void enqueue_beyondTheQueue_isRefusedAndCounted() {
        Admission a = new Admission(1, 2, 1000);
        assertTrue(a.tryEnter());
        List<Integer> order = new ArrayList<>();
        assertTrue(a.enqueue(new Recorder(1, order)));
        assertTrue(a.enqueue(new Recorder(2, order)));
        assertFalse(a.enqueue(new Recorder(3, order)));
        assertEquals(2, a.queued());
        assertEquals(1, a.refused());
        assertEquals(List.of(), order, "nobody admitted while the slot is taken");
    }

    @Test
    void exit_handsTheSlotToTheOldestWaiter_inArrivalOrder() {
        Admission a = new Admission(1, 3, 1000);
        assertTrue(a.tryEnter());
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            a.enqueue(new Recorder(i, order));
        }
        a.exit();
        assertEquals(List.of(1), order);
        assertEquals(1, a.inFlight(), "the slot went to the waiter, not back to the pool");
        a.exit();
        a.exit();
        assertEquals(List.of(1, 2, 3), order);
        a.exit();
        assertEquals(0, a.inFlight());
        assertEquals(0, a.queued());
    }

    @Test
    void waiterThatGaveUp_isSkipped_andItsSlotGoesToTheNext() {
        Admission a = new Admission(1, 3, 1000);
        assertTrue(a.tryEnter());
        List<Integer> order = new ArrayList<>();
        Recorder first = new Recorder(1, order);
        a.enqueue(first);
        a.enqueue(new Recorder(2, order));
        assertTrue(first.giveUp());
        a.exit();
        assertEquals(List.of(2), order);
        assertEquals(1, a.inFlight());
        assertFalse(first.admit(), "a waiter that gave up is never admitted");
    }

    @Test
    void manyThreads_neverMoreInFlightThanTheCap_andEveryWaiterServedOnce() throws Exception {
        Admission a = new Admission(4, 10_000, 1000);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        int requests = 20_000;
        CountDownLatch done = new CountDownLatch(requests);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Runnable work = () -> {
            int now = running.incrementAndGet();
            maxSeen.accumulateAndGet(now, Math::max);
            running.decrementAndGet();
            served.incrementAndGet();
            done.countDown();
        };
        for (int i = 0; i < requests; i++) {
            pool.execute(() -> {
                if (a.queued() == 0 && a.tryEnter()) {
                    work.run();
                    a.exit();
                } else {
                    boolean queued = a.enqueue(new Admission.Waiter() {
                        @Override
                        void admitted() {
                            pool.execute(() -> {
                                work.run();
                                a.exit();
                            });
                        }
                    });
                    if (!queued) {
                        done.countDown();
                    }
                }
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(maxSeen.get() <= 4, "in flight at once: " + maxSeen.get());
        assertEquals(requests, served.get() + a.refused());
        assertEquals(0, a.inFlight());
        assertEquals(0, a.queued());
    }
}
