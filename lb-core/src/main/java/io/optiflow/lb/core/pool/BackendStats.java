package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.spi.Ticker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one backend in one pool, for metrics and the dashboard. Updated lock-free and allocation-free
 * on the request path; read from any thread.
 *
 * <p>The in-flight count shares one atomic with the number ("epoch") of the strategy generation it was last
 * sealed for, so a live switch can seed the new strategy with exactly the requests that will later release their
 * slot in it (see {@link DefaultServicePool}).
 */
public final class BackendStats {

    /** High 32 bits: generation epoch; low 32 bits: in-flight requests. */
    final AtomicLong flight;
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final AtomicLong ejections = new AtomicLong();
    final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** Ejections in a row without a successful request in between. */
    final AtomicInteger ejectionStreak = new AtomicInteger();
    final LatencyHistogram latency;

    BackendStats(Ticker ticker, int epoch, long latencyHalfNanos) {
        this.flight = new AtomicLong(pack(epoch, 0));
        this.latency = new LatencyHistogram(ticker, latencyHalfNanos);
    }

    static long pack(int epoch, int inFlight) {
        return ((long) epoch << 32) | (inFlight & 0xFFFF_FFFFL);
    }

    static int epochOf(long flight) {
        return (int) (flight >>> 32);
    }

    /** Requests in flight now. */
    public int inFlight() {
        return (int) flight.get();
    }

    /** Requests started since start-up. */
    public long requests() {
        return requests.sum();
    }

    /** Requests that ended in failure since start-up. */
    public long errors() {
        return errors.sum();
    }

    /** Passive ejections since start-up. */
    public long ejections() {
        return ejections.get();
    }

    /** Failed requests in a row now (passive health). */
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** Recent latency (allocates; for readers, not the request path). */
    public LatencySummary latency() {
        return latency.summary();
    }
}
