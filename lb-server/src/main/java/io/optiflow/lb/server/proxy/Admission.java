package io.optiflow.lb.server.proxy;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-flight cap of one service, shared by every event loop: at most {@code max} requests run at once; beyond
 * that up to {@code queueMax} wait, each at most {@code queueTimeoutMillis}, first come first served; beyond that, or
 * after that, the answer is 503 with Retry-After. Never an unbounded queue.
 *
 * <p>Threading: lock-free. {@link #tryEnter} and {@link #exit} are one CAS loop and one decrement on the request path;
 * a freed slot goes straight to the oldest waiter, which starts on its own event loop.
 */
final class Admission {

    private final int max;
    private final int queueMax;
    final long queueTimeoutMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final LongAdder refused = new LongAdder();

    Admission(int max, int queueMax, long queueTimeoutMillis) {
        this.max = max;
        this.queueMax = queueMax;
        this.queueTimeoutMillis = queueTimeoutMillis;
    }

    /** Takes a slot if one is free. */
    boolean tryEnter() {
        for (int n = inFlight.get(); n < max; n = inFlight.get()) {
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives back the slot of a request that ended; the oldest waiter gets it. */
    void exit() {
        inFlight.decrementAndGet();
        handOver();
    }

    /** Puts {@code w} in the queue; false (and counted as refused) when the queue is full. */
    boolean enqueue(Waiter w) {
        if (queued.incrementAndGet() > queueMax) {
            queued.decrementAndGet();
            refused.increment();
            return false;
        }
        waiters.add(w);
        handOver(); // a slot may have come free since tryEnter failed
        return true;
    }

    /** Takes {@code w} out of the queue (it timed out, or its client left). */
    void remove(Waiter w) {
        if (waiters.remove(w)) {
            queued.decrementAndGet();
        }
    }

    /** A request was refused for this service's cap (queue full, or waited too long). */
    void countRefused() {
        refused.increment();
    }

    private void handOver() {
        while (!waiters.isEmpty() && tryEnter()) {
            Waiter w = waiters.poll();
            if (w == null) {
                inFlight.decrementAndGet(); // taken by another thread meanwhile
                continue;
            }
            queued.decrementAndGet();
            if (!w.admit()) {
                inFlight.decrementAndGet(); // it gave up meanwhile: the slot goes to the next one
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    int queued() {
        return queued.get();
    }

    long refused() {
        return refused.sum();
    }

    /** A request waiting for a slot. Exactly one of {@link #admit} and {@link #giveUp} wins. */
    abstract static class Waiter {
        private final AtomicInteger state = new AtomicInteger(); // 0 waiting, 1 admitted, 2 gave up

        /** Called by the thread that frees a slot: the request may start (on its own loop). */
        final boolean admit() {
            if (!state.compareAndSet(0, 1)) {
                return false;
            }
            admitted();
            return true;
        }

        /** Called on the waiter's loop: it stops waiting (timeout, client gone); false if already admitted. */
        final boolean giveUp() {
            return state.compareAndSet(0, 2);
        }

        /** The slot is this waiter's now; runs on the thread that freed it. */
        abstract void admitted();
    }
}
