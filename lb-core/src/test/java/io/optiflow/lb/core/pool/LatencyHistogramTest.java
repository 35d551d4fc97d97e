package io.optiflow.lb.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.testkit.ManualTicker;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static final long MS = 1_000_000L;

    @Test
    void bucket_midpoints_withinThirteenPercentOfValue() {
        for (long micros = 1; micros < 100_000_000L; micros = micros * 3 + 1) {
            double mid = LatencyHistogram.midpointMicros(LatencyHistogram.bucket(micros));
            assertEquals(micros, mid, Math.max(0.5, micros * 0.13), "value " + micros);
        }
        assertEquals(0, LatencyHistogram.bucket(0));
    }

    @Test
    void summary_window_oldHalvesDropOut() {
        ManualTicker t = new ManualTicker(1_000L);
        LatencyHistogram h = new LatencyHistogram(t, 30_000 * MS);
        for (int i = 0; i < 10; i++) {
            h.record(5 * MS);
        }
        assertEquals(10, h.summary().count());
        t.advanceMillis(30_000);
        h.record(100 * MS); // a new half begins; the previous one still counts
        LatencySummary s = h.summary();
        assertEquals(11, s.count());
        assertEquals(5, s.p50Ms(), 1);
        assertEquals(100, s.p99Ms(), 13);
        t.advanceMillis(30_000);
        assertEquals(1, h.summary().count(), "the first half is now older than one half");
        t.advanceMillis(30_000);
        LatencySummary empty = h.summary();
        assertEquals(0, empty.count());
        assertTrue(Double.isNaN(empty.p50Ms()));
        h.record(7 * MS); // recording after a long pause clears the stale half it reuses
        assertEquals(1, h.summary().count());
    }

    @Test
    void record_lateReadingAfterTheWindowMoved_countsInItsOwnHalfWithoutClearingIt() {
        ManualTicker t = new ManualTicker(1_000L);
        LatencyHistogram h = new LatencyHistogram(t, 30_000 * MS);
        long start = t.read();
        h.record(5 * MS, start);
        h.record(5 * MS, start + 30_000 * MS); // the next half: the current window moves on
        h.record(7 * MS, start + 29_000 * MS); // another thread's reading, taken before: the first half
        t.advanceMillis(30_000);
        LatencySummary s = h.summary();
        assertEquals(3, s.count());
        assertEquals((5 + 5 + 7) / 3.0, s.meanMs(), 0.01);
        t.advanceMillis(30_000);
        assertEquals(1, h.summary().count(), "the first half (two samples) is old now");
    }

    @Test
    void record_fourThreadsInOneWindow_everySampleCounted() throws InterruptedException {
        ManualTicker t = new ManualTicker(1_000L);
        LatencyHistogram h = new LatencyHistogram(t, 30_000 * MS);
        Thread[] threads = new Thread[4];
        for (int k = 0; k < threads.length; k++) {
            threads[k] = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    h.record(2 * MS, t.read());
                }
            });
            threads[k].start();
        }
        for (Thread th : threads) {
            th.join(30_000);
        }
        LatencySummary s = h.summary();
        assertEquals(200_000, s.count());
        assertEquals(2, s.meanMs(), 1e-9);
    }
}
