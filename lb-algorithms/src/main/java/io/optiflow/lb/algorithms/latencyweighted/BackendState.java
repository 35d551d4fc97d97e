package io.optiflow.lb.algorithms.latencyweighted;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the strategy knows about one backend, kept across snapshots: latency estimates, requests in flight and the
 * token bucket. Lock-free and allocation-free: the mutable state is fields of this one object (72 bytes, of which
 * what a pick reads, in flight to busy-since, spans 44: one or two cache lines; an atomic object per value would be
 * one line each), updated through {@link VarHandle}s; doubles are stored as raw bits. The constants come from the
 * strategy's {@link Tuning}, passed in. The in-flight count and the token bucket are exact (atomic
 * read-modify-writes); the latency estimates are statistics and are updated with plain stores: two samples of one
 * backend folded in at the same instant on two threads may lose one of them, which moves an average by one sample's
 * weight, while a compare-and-set loop per estimate cost more than the rest of the feedback together.
 */
final class BackendState {

    /** Bits of NaN: no sample yet, the estimate is the default RTT. */
    private static final long NO_SAMPLE = Double.doubleToRawLongBits(Double.NaN);
    private static final VarHandle EWMA_BITS;
    private static final VarHandle MEAN_BITS;
    private static final VarHandle STAMP;
    private static final VarHandle IN_FLIGHT;
    private static final VarHandle BUSY_SINCE;
    private static final VarHandle PROBED_AT;
    private static final VarHandle TAT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            EWMA_BITS = l.findVarHandle(BackendState.class, "ewmaBits", long.class);
            MEAN_BITS = l.findVarHandle(BackendState.class, "meanBits", long.class);
            STAMP = l.findVarHandle(BackendState.class, "stamp", long.class);
            IN_FLIGHT = l.findVarHandle(BackendState.class, "inFlight", int.class);
            BUSY_SINCE = l.findVarHandle(BackendState.class, "busySince", long.class);
            PROBED_AT = l.findVarHandle(BackendState.class, "probedAt", long.class);
            TAT = l.findVarHandle(BackendState.class, "tat", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;

    // Mutable state, only through the VarHandles above (published with this object through volatile fields).
    /** The stored estimate in nanoseconds, as double bits; NO_SAMPLE before the first sample. */
    private long ewmaBits = NO_SAMPLE;
    /**
     * The typical latency: a plain exponential average of the samples (time constant decay, no peak rule), as
     * double bits; NO_SAMPLE before the first sample. It tells a backend that is slow from one that had a slow
     * moment, which the peak estimate cannot: under load the peak of a fast backend is its tail.
     */
    private long meanBits = NO_SAMPLE;
    /** When the last sample was folded in; each sample claims the time since the previous one. */
    private long stamp;
    /** Requests started and not completed (the int sits in the gap after the object header). */
    private int inFlight;
    /** When in-flight last went from 0 to 1. */
    private long busySince;
    /**
     * When the picker last gave this backend a probe (see {@link #probeDue}): a second probe waits for the
     * interval, also while the first is picked and not yet started, or was dropped by the caller.
     */
    private long probedAt;
    /**
     * The token bucket as a GCRA "theoretical arrival time": one long, so taking a token is a single CAS. A
     * bucket of {@code burst} tokens refilled at {@code rate} admits exactly what this admits.
     */
    private long tat;

    BackendState(String id, long now) {
        this.id = id;
        this.stamp = now;
        this.busySince = now;
        this.probedAt = now;
        this.tat = now;
    }

    String id() {
        return id;
    }

    int inFlight() {
        return (int) IN_FLIGHT.getAcquire(this);
    }

    /**
     * Load cost: estimate times (in flight + 1). The picker compares it per unit of weight, cross-multiplied (two
     * multiplications where a division per cost took longer than the rest of the comparison).
     *
     * <p>While the backend is idle its estimate relaxes toward the default by the time since its last sample, so
     * a backend that was slow once is tried again. While requests are in flight it does not: no answer yet from a
     * busy backend is no news that it got faster (a backend stuck for seconds would otherwise soak up more and
     * more requests as its estimate fades). An idle backend with no sample, or none for longer than
     * {@code decay}, costs 0: it wins its next draw and is measured afresh; without that probe a backend whose
     * default-rtt is above what the others answer in would never be tried at low load.
     */
    double cost(long now, Tuning t) {
        int f = (int) IN_FLIGHT.getAcquire(this);
        double e = Double.longBitsToDouble((long) EWMA_BITS.getAcquire(this));
        long s = (long) STAMP.getAcquire(this);
        if (f > 0) {
            // Busy with no answer since max(last sample, busy since): the oldest request still waiting has taken
            // at least that long, so the estimate is at least that (up to pendingCap). A backend that stops
            // answering is avoided before its first slow answer arrives.
            long waiting = Math.min(t.pendingCap, now - Math.max(s, (long) BUSY_SINCE.getAcquire(this)));
            double est = e != e ? t.defaultRtt : e;
            return (waiting > est ? waiting : est) * (f + 1);
        }
        if (e != e) { // NaN: never sampled
            return 0.0;
        }
        long age = now - s;
        if (age >= t.decayNanos) {
            return 0.0;
        }
        return age <= 0 ? e : t.defaultRtt + (e - t.defaultRtt) * Decay.expNeg(age * t.perDecayNanos);
    }

    /** The typical latency in nanoseconds; NaN before the first sample. */
    double mean() {
        return Double.longBitsToDouble((long) MEAN_BITS.getOpaque(this));
    }

    /**
     * Whether a probe may go to this backend now: nothing in flight, and neither a sample nor a probe for
     * {@code interval}. A backend far slower than the others gets requests only so (see the picker).
     */
    boolean probeDue(long now, long interval) {
        return (int) IN_FLIGHT.getOpaque(this) == 0 && now - (long) STAMP.getOpaque(this) >= interval
                && now - (long) PROBED_AT.getOpaque(this) >= interval;
    }

    /**
     * The picker gave this backend a probe at {@code now}. Two threads that both found it due in the same instant
     * may both send one (a plain store: probes are rare and a second one costs one slow request, where an atomic
     * here would cost every probe check).
     */
    void probed(long now) {
        PROBED_AT.setOpaque(this, now);
    }

    /**
     * Counts a start at {@code now} (the caller's reading, taken just before the pick): when it went busy, that is
     * when its oldest request in flight was sent.
     */
    void onStart(long now) {
        if ((int) IN_FLIGHT.getAndAdd(this, 1) == 0) {
            // release: a reader that sees this also sees the increment before it
            BUSY_SINCE.setRelease(this, now);
        }
    }

    /**
     * Releases one in-flight slot; never below zero (a completion without a start is ignored): one atomic add,
     * undone when it went below zero (a read and a compare-and-set would move a contended line twice; a concurrent
     * pick may see -1 for that instant and take the backend as idle).
     */
    void release() {
        if ((int) IN_FLIGHT.getAndAdd(this, -1) <= 0) {
            IN_FLIGHT.getAndAdd(this, 1);
        }
    }

    /**
     * Folds one latency sample in. The estimate: a sample above it replaces it, one below decays in by the time
     * since the previous sample. The typical latency: every sample decays in by that time. Plain stores (see the
     * class comment).
     */
    void sample(double rtt, long now, Tuning t) {
        long prev = (long) STAMP.getOpaque(this);
        double w = 1.0;
        if (now > prev) {
            STAMP.setOpaque(this, now);
            w = Decay.expNeg((now - prev) * t.perDecayNanos);
        }
        double e = Double.longBitsToDouble((long) EWMA_BITS.getOpaque(this));
        double next = e != e || rtt > e ? rtt : e * w + rtt * (1.0 - w);
        EWMA_BITS.setRelease(this, Double.doubleToRawLongBits(next));
        double m = Double.longBitsToDouble((long) MEAN_BITS.getOpaque(this));
        MEAN_BITS.setRelease(this, Double.doubleToRawLongBits(m != m ? rtt : m * w + rtt * (1.0 - w)));
    }

    /** Takes a token if the backend is under its rate; always true without a limit. */
    boolean tryAcquire(long now, Tuning tuning) {
        long interval = tuning.interval;
        if (interval == 0L) {
            return true;
        }
        while (true) {
            long t = (long) TAT.getVolatile(this);
            long next = (t - now > 0 ? t : now) + interval;
            if (next - now > tuning.burstWindow) {
                return false;
            }
            if (TAT.compareAndSet(this, t, next)) {
                return true;
            }
        }
    }
}
