package io.optiflow.lb.algorithms.latencyweighted;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the strategy knows about one backend, kept across snapshots: latency estimate, requests in flight and the
 * token bucket. Lock-free and allocation-free: doubles live as raw bits in atomics, updates are CAS loops.
 */
final class BackendState {

    /** Bits of NaN: no sample yet, the estimate is the default RTT. */
    private static final long NO_SAMPLE = Double.doubleToRawLongBits(Double.NaN);

    private final String id;
    private final double defaultRtt;
    private final double decayNanos;
    /** Nanoseconds between two tokens (GCRA emission interval); 0 when there is no rate limit. */
    private final long interval;
    /** How far ahead of now the theoretical arrival time may run: burst * interval. */
    private final long burstWindow;

    /** The stored estimate in nanoseconds, as double bits; NO_SAMPLE before the first sample. */
    private final AtomicLong ewmaBits = new AtomicLong(NO_SAMPLE);
    /** When the last sample was folded in; each sample claims the time since the previous one. */
    private final AtomicLong stamp;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** When in-flight last went from 0 to 1. */
    private final AtomicLong busySince;
    /** The most a request still waiting counts for: longer-lived requests (streams, long polls) are not failures. */
    private final long pendingCap;
    /**
     * The token bucket as a GCRA "theoretical arrival time": one long, so taking a token is a single CAS. A
     * bucket of {@code burst} tokens refilled at {@code rate} admits exactly what this admits.
     */
    private final AtomicLong tat;

    BackendState(String id, LatencyWeightedConfig config, long now) {
        this.id = id;
        this.defaultRtt = config.defaultRttNanos();
        this.decayNanos = config.decayNanos();
        this.interval = config.rateLimit() > 0 ? Math.max(1L, Math.round(1e9 / config.rateLimit())) : 0L;
        this.burstWindow = interval * config.burst();
        this.stamp = new AtomicLong(now);
        this.busySince = new AtomicLong(now);
        this.pendingCap = Math.max(config.failurePenaltyNanos(), config.defaultRttNanos());
        this.tat = new AtomicLong(now);
    }

    String id() {
        return id;
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * Load cost: estimate times (in flight + 1), per unit of weight.
     *
     * <p>While the backend is idle its estimate relaxes toward the default by the time since its last sample, so
     * a backend that was slow once is tried again. While requests are in flight it does not: no answer yet from a
     * busy backend is no news that it got faster (a backend stuck for seconds would otherwise soak up more and
     * more requests as its estimate fades). An idle backend with no sample, or none for longer than
     * {@code decay}, costs 0: it wins its next draw and is measured afresh; without that probe a backend whose
     * default-rtt is above what the others answer in would never be tried at low load.
     */
    double cost(long now, int weight) {
        int f = inFlight.get();
        double e = Double.longBitsToDouble(ewmaBits.get());
        if (f > 0) {
            // Busy with no answer since max(last sample, busy since): the oldest request still waiting has taken
            // at least that long, so the estimate is at least that (up to pendingCap). A backend that stops
            // answering is avoided before its first slow answer arrives.
            long waiting = Math.min(pendingCap, now - Math.max(stamp.get(), busySince.get()));
            double est = e != e ? defaultRtt : e;
            return (waiting > est ? waiting : est) * (f + 1) / weight;
        }
        if (e != e) { // NaN: never sampled
            return 0.0;
        }
        long age = now - stamp.get();
        if (age >= decayNanos) {
            return 0.0;
        }
        return age <= 0 ? e / weight : (defaultRtt + (e - defaultRtt) * Math.exp(-age / decayNanos)) / weight;
    }

    void onStart(long now) {
        if (inFlight.incrementAndGet() == 1) {
            busySince.set(now);
        }
    }

    /** Releases one in-flight slot; never below zero (a completion without a start is ignored). */
    void release() {
        int n;
        do {
            n = inFlight.get();
            if (n <= 0) {
                return;
            }
        } while (!inFlight.compareAndSet(n, n - 1));
    }

    /** Folds one latency sample in: a sample above the estimate replaces it, one below decays in by time. */
    void sample(double rtt, long now) {
        long elapsed = claimElapsed(now);
        double w = Math.exp(-elapsed / decayNanos);
        long bits;
        double next;
        do {
            bits = ewmaBits.get();
            double e = Double.longBitsToDouble(bits);
            if (e != e || rtt > e) {
                next = rtt; // the first sample, or a peak: take it at once
            } else {
                next = e * w + rtt * (1.0 - w);
            }
        } while (!ewmaBits.compareAndSet(bits, Double.doubleToRawLongBits(next)));
    }

    /**
     * Moves the stamp to {@code now} and returns how far it moved. Concurrent samples split the elapsed time
     * between them instead of each counting all of it.
     */
    private long claimElapsed(long now) {
        while (true) {
            long prev = stamp.get();
            if (now <= prev) {
                return 0L;
            }
            if (stamp.compareAndSet(prev, now)) {
                return now - prev;
            }
        }
    }

    /** Takes a token if the backend is under its rate; always true without a limit. */
    boolean tryAcquire(long now) {
        if (interval == 0L) {
            return true;
        }
        while (true) {
            long t = tat.get();
            long next = (t - now > 0 ? t : now) + interval;
            if (next - now > burstWindow) {
                return false;
            }
            if (tat.compareAndSet(t, next)) {
                return true;
            }
        }
    }
}
