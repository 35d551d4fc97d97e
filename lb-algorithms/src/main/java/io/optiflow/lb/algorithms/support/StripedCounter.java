package io.optiflow.lb.algorithms.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A sum that many threads add to and few read, like {@link java.util.concurrent.atomic.LongAdder}, with stripes
 * chosen by the calling thread: each thread adds to the stripe its identity hash maps to, alone on its cache lines,
 * so request threads do not move one line between cores on every add; {@link #sum} reads every stripe.
 *
 * <p>Why not {@code LongAdder}: it gives each thread a cell only after a failed compare-and-set, and has at most as
 * many cells as CPUs. On two CPUs two threads land on the same cell half the time, and then stay there as long as
 * their updates only move the line between the cores without failing: every add is then a cache-line transfer
 * (measured on this 2-vCPU VM: consistent-hash's two-thread pick cost moved between two levels from fork to fork).
 * Here {@link #STRIPES} stripes make two threads share one with probability 1/16, fixed per thread; a
 * {@link #sum} reads 16 lines (only a pick whose backend is busy needs one).
 *
 * <p>Threading: {@link #add} from any thread, lock-free and allocation-free; {@link #sum} is not an atomic snapshot
 * (adds that race it may or may not be counted), as for {@code LongAdder}.
 */
public final class StripedCounter {

    /** Stripes; a power of two. */
    static final int STRIPES = 16;
    /** Longs from one stripe to the next: 128 bytes, two cache lines (the adjacent-line prefetcher pairs lines). */
    static final int SPACING = 16;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    /** Stripe s at index (s + 1) * SPACING: the first and last stripes are padded from the array's neighbours too. */
    private final long[] cells = new long[(STRIPES + 2) * SPACING];

    /** Adds {@code delta} to the calling thread's stripe. */
    public void add(long delta) {
        CELL.getAndAdd(cells, index(Thread.currentThread()), delta);
    }

    public void increment() {
        add(1L);
    }

    public void decrement() {
        add(-1L);
    }

    /** The sum of every stripe. */
    public long sum() {
        long sum = 0;
        for (int s = 1; s <= STRIPES; s++) {
            sum += (long) CELL.getVolatile(cells, s * SPACING);
        }
        return sum;
    }

    /** The index of {@code thread}'s stripe in {@link #cells}. */
    static int index(Thread thread) {
        int h = System.identityHashCode(thread) * 0x9E3779B9; // spread: identity hashes may differ in few bits
        return ((h >>> 28) + 1) * SPACING; // top 4 bits: one of 16 stripes
    }
}
