package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.spi.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Live counters of one backend in one pool, for metrics and the dashboard. Updated lock-free and allocation-free
 * on the request path; read from any thread.
 *
 * <p>The in-flight count shares one atomic with the number ("epoch") of the strategy generation it was last
 * sealed for, so a live switch can seed the new strategy with exactly the requests that will later release their
 * slot in it (see {@link DefaultServicePool}).
 *
 * <p>Layout, for the request path: every counter is a field of this one object, updated through
 * {@link VarHandle}s (an {@code AtomicLong} or a {@code LongAdder} per counter is an object and a cache line each,
 * four or five per request at a thousand backends). A request's start takes the line with its atomic add on the
 * in-flight word, and the request count, the passive-health counters and the completion's add then find it on the
 * same core. Exact counts: every update is an atomic add (there is no other writer to make it safe to drop that).
 */
public final class BackendStats {

    private static final VarHandle FLIGHT;
    private static final VarHandle REQUESTS;
    private static final VarHandle ERRORS;
    private static final VarHandle EJECTIONS;
    private static final VarHandle CONSECUTIVE_FAILURES;
    private static final VarHandle EJECTION_STREAK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FLIGHT = l.findVarHandle(BackendStats.class, "flight", long.class);
            REQUESTS = l.findVarHandle(BackendStats.class, "requests", long.class);
            ERRORS = l.findVarHandle(BackendStats.class, "errors", long.class);
            EJECTIONS = l.findVarHandle(BackendStats.class, "ejections", long.class);
            CONSECUTIVE_FAILURES = l.findVarHandle(BackendStats.class, "consecutiveFailures", int.class);
            EJECTION_STREAK = l.findVarHandle(BackendStats.class, "ejectionStreak", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Mutable state, only through the VarHandles above (published with this object through final fields).
    /** High 32 bits: generation epoch; low 32 bits: in-flight requests. */
    private long flight;
    private long requests;
    private long errors;
    private long ejections;
    private int consecutiveFailures;
    /** Ejections in a row without a successful request in between. */
    private int ejectionStreak;
    final LatencyHistogram latency;

    BackendStats(Ticker ticker, int epoch, long latencyHalfNanos) {
        FLIGHT.setVolatile(this, pack(epoch, 0));
        this.latency = new LatencyHistogram(ticker, latencyHalfNanos); // allocated next to this object
    }

    static long pack(int epoch, int inFlight) {
        return ((long) epoch << 32) | (inFlight & 0xFFFF_FFFFL);
    }

    static int epochOf(long flight) {
        return (int) (flight >>> 32);
    }

    // ---------------------------------------------------------------- the request path and the pool's writer

    /** Counts a request started; returns the epoch the in-flight word held. */
    int start() {
        long f = (long) FLIGHT.getAndAdd(this, 1L);
        REQUESTS.getAndAdd(this, 1L);
        return epochOf(f);
    }

    /** Releases a request's in-flight slot; returns the epoch the in-flight word held. */
    int end() {
        return epochOf((long) FLIGHT.getAndAdd(this, -1L));
    }

    /** The in-flight word (epoch and count), for the writer's seal. */
    long flightWord() {
        return (long) FLIGHT.getVolatile(this);
    }

    /** Moves the in-flight word from {@code expected} to {@code next} (the writer's seal). */
    boolean sealFlight(long expected, long next) {
        return FLIGHT.compareAndSet(this, expected, next);
    }

    /** Counts a failed request. */
    void failed() {
        ERRORS.getAndAdd(this, 1L);
    }

    /** One more failure in a row; returns how many now. */
    int failedInARow() {
        return (int) CONSECUTIVE_FAILURES.getAndAdd(this, 1) + 1;
    }

    /** A success: ends the failures and the ejections in a row (reads first: a success usually has none to end). */
    void succeeded() {
        if ((int) CONSECUTIVE_FAILURES.getOpaque(this) != 0) {
            CONSECUTIVE_FAILURES.setVolatile(this, 0);
        }
        if ((int) EJECTION_STREAK.getOpaque(this) != 0) {
            EJECTION_STREAK.setVolatile(this, 0);
        }
    }

    /** Failures in a row start over (after an ejection decision, or its end). */
    void resetFailuresInARow() {
        CONSECUTIVE_FAILURES.setVolatile(this, 0);
    }

    /** Counts an ejection; returns how many in a row now (for the back-off). */
    int ejected() {
        EJECTIONS.getAndAdd(this, 1L);
        return (int) EJECTION_STREAK.getAndAdd(this, 1) + 1;
    }

    // ---------------------------------------------------------------- readers

    /** Requests in flight now. */
    public int inFlight() {
        return (int) flightWord();
    }

    /** Requests started since start-up. */
    public long requests() {
        return (long) REQUESTS.getVolatile(this);
    }

    /** Requests that ended in failure since start-up. */
    public long errors() {
        return (long) ERRORS.getVolatile(this);
    }

    /** Passive ejections since start-up. */
    public long ejections() {
        return (long) EJECTIONS.getVolatile(this);
    }

    /** Failed requests in a row now (passive health). */
    public int consecutiveFailures() {
        return (int) CONSECUTIVE_FAILURES.getVolatile(this);
    }

    /** Recent latency (allocates; for readers, not the request path). */
    public LatencySummary latency() {
        return latency.summary();
    }
}
