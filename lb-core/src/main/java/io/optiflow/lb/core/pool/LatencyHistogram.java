package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.spi.Ticker;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free, allocation-free (on record) log-bucket latency histogram over a recent window: two rotating halves
 * of {@code halfNanos} each, so a snapshot covers between one and two halves of the most recent traffic.
 *
 * <p>Buckets are in microseconds: 0..7 exact, then 4 sub-buckets per power of two (about 12 % resolution at
 * the bucket's midpoint), which is plenty for p50/p90/p99 on a dashboard. A half is cleared by the first
 * recorder that finds it stale; samples racing with that clear may be lost, which statistics can afford.
 */
final class LatencyHistogram {

    static final long DEFAULT_HALF_NANOS = 30_000_000_000L;
    private static final int EXACT = 8;
    private static final int BUCKETS = 256;

    private final Ticker ticker;
    private final long halfNanos;
    private final AtomicLongArray[] counts = {new AtomicLongArray(BUCKETS), new AtomicLongArray(BUCKETS)};
    private final AtomicLongArray sumMicros = new AtomicLongArray(2);
    private final AtomicLongArray windows = new AtomicLongArray(2);

    LatencyHistogram(Ticker ticker, long halfNanos) {
        if (halfNanos <= 0) {
            throw new IllegalArgumentException("halfNanos: " + halfNanos + " (expected: > 0)");
        }
        this.ticker = ticker;
        this.halfNanos = halfNanos;
        long w = Math.floorDiv(ticker.read(), halfNanos);
        windows.set((int) (w & 1), w);
        windows.set((int) ((w - 1) & 1), w - 1);
    }

    /** Records one latency. Lock-free, allocation-free. */
    void record(long latencyNanos) {
        record(latencyNanos, ticker.read());
    }

    /** Records one latency that ended at {@code nowNanos} (the caller's reading of the ticker's clock). */
    void record(long latencyNanos, long nowNanos) {
        long micros = latencyNanos <= 0 ? 0 : latencyNanos / 1_000;
        long w = Math.floorDiv(nowNanos, halfNanos);
        int slot = (int) (w & 1);
        long held = windows.get(slot);
        if (held < w && windows.compareAndSet(slot, held, w)) {
            AtomicLongArray c = counts[slot];
            for (int i = 0; i < BUCKETS; i++) {
                c.set(i, 0);
            }
            sumMicros.set(slot, 0);
        }
        counts[slot].incrementAndGet(bucket(micros));
        sumMicros.addAndGet(slot, micros);
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
            for (int slot = 0; slot < 2; slot++) {
                long held = h.windows.get(slot);
                if (held != w && held != w - 1) {
                    continue; // older than one half: not recent
                }
                AtomicLongArray c = h.counts[slot];
                for (int i = 0; i < BUCKETS; i++) {
                    long n = c.get(i);
                    merged[i] += n;
                    total += n;
                }
                sum += h.sumMicros.get(slot);
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
