package io.optiflow.lb.server.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One event loop's part of a backend's request counters ({@link BackendMeters}): plain counts that only that loop's
 * thread writes (no atomic instruction, no cache line another loop writes), added to the other loops' parts when
 * Micrometer or the duration histograms read them. A loop gets its part once ({@link BackendMeters#forLoop}) and
 * keeps it while {@link #isCurrent}.
 *
 * <p>Threading: {@link #record} from the owning thread only; the sums from any thread. Writes are opaque (no
 * fence; a reader sees each count whole, and never an older value after a newer one).
 */
public final class LoopMeters {

    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Unused slots before and after the counts: a cache line of their own, whatever lies next to the array. */
    private static final int PAD = 8;
    static final int CLASSES = 5;
    private static final int BUCKET0 = PAD + CLASSES;
    private static final int SUM = BUCKET0 + BackendMeters.BUCKETS.length + 1;

    final BackendMeters meters;
    /** The event loop this part belongs to. */
    final Object loop;
    /** Per status class, then per duration bucket (not cumulative; the last is +Inf), then the duration sum. */
    private final long[] counts = new long[SUM + 1 + PAD];

    LoopMeters(BackendMeters meters, Object loop) {
        this.meters = meters;
        this.loop = loop;
    }

    /** As {@link BackendMeters#record}, on the owning loop's thread only. */
    public void record(int status, long nanos) {
        add(PAD + BackendMeters.statusClass(status), 1);
        if (nanos >= 0) {
            add(BUCKET0 + BackendMeters.bucket(nanos), 1);
            add(SUM, nanos);
            meters.recordMax(nanos);
        }
    }

    /**
     * Whether these counts are still exported: false once the backend's meters were dropped (it left its service),
     * after which a loop must ask its service for the backend's meters again ({@link ServiceMetrics#backend}).
     */
    public boolean isCurrent() {
        return !meters.removed;
    }

    private void add(int slot, long n) {
        COUNTS.setOpaque(counts, slot, counts[slot] + n); // the one writer reads its own writes plainly
    }

    private long read(int slot) {
        return (long) COUNTS.getOpaque(counts, slot);
    }

    long requests(int statusClass) {
        return read(PAD + statusClass);
    }

    long bucket(int i) {
        return read(BUCKET0 + i);
    }

    long durationSumNanos() {
        return read(SUM);
    }
}
