package io.optiflow.lb.algorithms.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A shared position that every pick moves (round robin's next index, a scan's start), alone on its cache line: the
 * padding before it keeps it off the line of the object allocated just before (its picker, whose fields every pick
 * reads), the padding after it off the next one's. Without it, each pick's increment on one core invalidates the
 * picker's fields in the other core's cache as well.
 */
public final class PaddedCursor extends PaddedCursorValue {

    // 64 bytes after the value.
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7, q8;

    public PaddedCursor(long initial) {
        VALUE.setRelease(this, initial);
    }

    public long get() {
        return (long) VALUE.getVolatile(this);
    }

    public long getAndIncrement() {
        return (long) VALUE.getAndAdd(this, 1L);
    }

    /** A hint for later readers; no ordering with anything else. */
    public void setOpaque(long v) {
        VALUE.setOpaque(this, v);
    }
}

/** 64 bytes before the value (superclass fields come first in the object). */
abstract class PaddedCursorPad {
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7, p8;
}

/** The value, between the paddings. */
abstract class PaddedCursorValue extends PaddedCursorPad {

    static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(PaddedCursorValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private volatile long value;
}
