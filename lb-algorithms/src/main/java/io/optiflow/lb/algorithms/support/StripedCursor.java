package io.optiflow.lb.algorithms.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A position that each calling thread keeps for itself, in the stripe of {@link StripedCounter}'s layout its
 * identity hash maps to (two cache lines per stripe): a hint that every pick reads and often moves (a scan's start)
 * costs no cache-line transfer between cores, where one shared position moves its line on every pick. One thread
 * sees exactly what a single shared position would give; threads in different stripes each keep their own turn.
 *
 * <p>Threading: any thread; lock-free and allocation-free. A stripe shared by two threads (probability 1/16) is a
 * shared position for them, as before.
 */
public final class StripedCursor {

    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] cells = new long[(StripedCounter.STRIPES + 2) * StripedCounter.SPACING];

    /** Every stripe starts at {@code initial}. */
    public StripedCursor(long initial) {
        for (int s = 1; s <= StripedCounter.STRIPES; s++) {
            cells[s * StripedCounter.SPACING] = initial;
        }
    }

    /** The calling thread's stripe, for {@link #get} and {@link #set}: look it up once per pick. */
    public static int stripe() {
        return StripedCounter.index(Thread.currentThread());
    }

    public long get(int stripe) {
        return (long) CELL.getOpaque(cells, stripe);
    }

    /** A hint for later readers of the stripe; no ordering with anything else. */
    public void set(int stripe, long value) {
        CELL.setOpaque(cells, stripe, value);
    }
}
