package io.optiflow.lb.algorithms.support;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link AtomicInteger} followed by a cache line of padding. Per-backend counters are allocated one after another
 * (a snapshot's worth in a loop), so without the padding four of them share a 64-byte line, and two cores updating
 * different backends' counts invalidate each other's copy of it (false sharing) on every request.
 */
public final class PaddedCounter extends AtomicInteger {

    private static final long serialVersionUID = 1L;

    // 64 bytes after the value: the next counter's value lands on another cache line.
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7, p8;
}
