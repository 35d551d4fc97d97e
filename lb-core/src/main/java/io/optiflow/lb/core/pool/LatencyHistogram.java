package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.spi.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free, allocation-free (on record) log-bucket latency histogram over a recent window: two rotating halves
 * of {@code halfNanos} each, so a snapshot covers between one and two halves of the most recent traffic.
 *
 * <p>Buckets are in microseconds: 0..7 exact, then 4 sub-buckets per power of two (about 12 % resolution at
 * the bucket's midpoint), which is plenty for p50/p90/p99 on a dashboard. A half is cleared by the first
 * recorder that finds it stale; samples racing with that clear may be lost, which statistics can afford.
 *
 * <p>Layout, for the request path: both halves' buckets in one array, and the rest (which half is current, the
 * sums) as fields of this object, updated through {@link VarHandle}s: a record reads this object's line and one
 * bucket's, does two atomic adds and no division (the current window is recognised by a multiplication; only a
 * record that finds it over works the new one out).
 */
final class LatencyHistogram {

    static final long DEFAULT_HALF_NANOS = 30_000_000_000L;
    private static final int EXACT = 8;
    private static final int BUCKETS = 256;

    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle CURRENT;
    private static final VarHandle WINDOW0;
    private static final VarHandle WINDOW1;
    private static final VarHandle SUM0;
    private static final VarHandle SUM1;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CURRENT = l.findVarHandle(LatencyHistogram.class, "current", long.class);
            WINDOW0 = l.findVarHandle(LatencyHistogram.class, "window0", long.class);
            WINDOW1 = l.findVarHandle(LatencyHistogram.class, "window1", long.class);
            SUM0 = l.findVarHandle(LatencyHistogram.class, "sum0", long.class);
            SUM1 = l.findVarHandle(LatencyHistogram.class, "sum1", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Ticker ticker;
    private final long halfNanos;
    /** Half {@code h}'s bucket {@code b} at {@code h * BUCKETS + b}; through {@link #COUNTS}. */
    private final long[] counts = new long[2 * BUCKETS];
    // Mutable state, only through the VarHandles above (published with this object through final fields).
    /** The newest window (ticker time / halfNanos) a record has moved to; its half is {@code current & 1}. */
    private long current;
    /** The window each half holds (half 0: even windows, half 1: odd ones). */
    private long window0;
    private long window1;
    /** Each half's sum of microseconds. */
    private long sum0;
    private long sum1;

    LatencyHistogram(Ticker ticker, long halfNanos) {
        if (halfNanos <= 0) {
            throw new IllegalArgumentException("halfNanos: " + halfNanos + " (expected: > 0)");
        }
        this.ticker = ticker;
        this.halfNanos = halfNanos;
        long w = Math.floorDiv(ticker.read(), halfNanos);
        setWindow((int) (w & 1), w);
        setWindow((int) ((w - 1) & 1), w - 1);
        CURRENT.setRelease(this, w);
    }

    /** Records one latency. Lock-free, allocation-free. */
    void record(long latencyNanos) {
        record(latencyNanos, ticker.read());
    }

    /** Records one latency that ended at {@code nowNanos} (the caller's reading of the ticker's clock). */
    void record(long latencyNanos, long nowNanos) {
        long micros = latencyNanos <= 0 ? 0 : latencyNanos / 1_000;
        long cur = (long) CURRENT.getOpaque(this);
        long into = nowNanos - cur * halfNanos; // cur * halfNanos <= a time the ticker gave: no overflow
        int half = into >= 0 && into < halfNanos ? (int) (cur & 1) : turn(nowNanos);
        COUNTS.getAndAdd(counts, half * BUCKETS + bucket(micros), 1L);
        if (half == 0) {
            SUM0.getAndAdd(this, micros);
        } else {
            SUM1.getAndAdd(this, micros);
        }
    }

    /**
     * The half for a time outside the current window: clears it when it holds an older window (first recorder
     * only), and moves {@link #current} forward (never back; a late clock reading of another thread records into
     * the half of its own window).
     */
    private int turn(long nowNanos) {
        long w = Math.floorDiv(nowNanos, halfNanos);
        int half = (int) (w & 1);
        long held = window(half);
        if (held < w && (half == 0 ? WINDOW0 : WINDOW1).compareAndSet(this, held, w)) {
            for (int i = half * BUCKETS; i < (half + 1) * BUCKETS; i++) {
                COUNTS.setOpaque(counts, i, 0L);
            }
            (half == 0 ? SUM0 : SUM1).setVolatile(this, 0L);
        }
        for (long c = (long) CURRENT.getVolatile(this); c < w; c = (long) CURRENT.getVolatile(this)) {
            if (CURRENT.compareAndSet(this, c, w)) {
                break;
            }
        }
        return half;
    }

    private long window(int half) {
        return half == 0 ? (long) WINDOW0.getVolatile(this) : (long) WINDOW1.getVolatile(this);
    }

    private void setWindow(int half, long w) {
        (half == 0 ? WINDOW0 : WINDOW1).setVolatile(this, w);
    }

    private long sum(int half) {
        return half == 0 ? (long) SUM0.getVolatile(this) : (long) SUM1.getVolatile(this);
    }

    static int bucket(long micros) {
        if (micros < EXACT) {
            return (int) micros;
        }
        int e = 63 - Long.numberOfLeadingZeros(micros); // >= 3
        int sub = (int) ((micros >>> (e - 2)) & 3);
        return EXACT + (e - 3) * 4 + sub;
    }

    /** The midpoint of a bucket, in microseconds. */
    static double midpointMicros(int bucket) {
        if (bucket < EXACT) {
            return bucket;
        }
        int e = (bucket - EXACT) / 4 + 3;
        int sub = (bucket - EXACT) % 4;
        double lo = (double) (4 + sub) * Math.pow(2, e - 2);
        double hi = (double) (5 + sub) * Math.pow(2, e - 2);
        return (lo + hi) / 2;
    }

    /** Count, mean and percentiles of the current and the previous half. Allocates; not for the request path. */
    LatencySummary summary() {
        return summary(java.util.List.of(this));
    }

    /**
     * One summary over the recent halves of several histograms (for example every backend of a service: quantiles
     * of the merged buckets, not an average of quantiles). Allocates; not for the request path.
     */
    static LatencySummary summary(java.util.List<LatencyHistogram> histograms) {
        long[] merged = new long[BUCKETS];
        long total = 0;
        long sum = 0;
        for (LatencyHistogram h : histograms) {
            long w = Math.floorDiv(h.ticker.read(), h.halfNanos);
            for (int half = 0; half < 2; half++) {
                long held = h.window(half);
                if (held != w && held != w - 1) {
                    continue; // older than one half: not recent
                }
                for (int i = 0; i < BUCKETS; i++) {
                    long n = (long) COUNTS.getVolatile(h.counts, half * BUCKETS + i);
                    merged[i] += n;
                    total += n;
                }
                sum += h.sum(half);
            }
        }
        if (total == 0) {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencySummary(total, sum / 1_000.0 / total, quantile(merged, total, 0.50) / 1_000.0,
                quantile(merged, total, 0.90) / 1_000.0, quantile(merged, total, 0.99) / 1_000.0);
    }

    private static double quantile(long[] buckets, long total, double q) {
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return midpointMicros(i);
            }
        }
        return midpointMicros(buckets.length - 1);
    }
}
