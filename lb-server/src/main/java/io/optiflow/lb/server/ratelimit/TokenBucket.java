package io.optiflow.lb.server.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free token bucket as a GCRA: one {@link AtomicLong} holds the theoretical arrival time of the next
 * request, so taking a token is one CAS and allocates nothing. {@code rps} tokens a second, up to {@code burst}.
 */
public final class TokenBucket implements Permits {

    private final long intervalNanos;
    private final long toleranceNanos;
    private final AtomicLong tat;

    public TokenBucket(double rps, int burst, long nowNanos) {
        if (!(rps > 0)) {
            throw new IllegalArgumentException("rps: " + rps + " (expected: > 0)");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: >= 1)");
        }
        this.intervalNanos = Math.max(1, (long) (1_000_000_000d / rps));
        this.toleranceNanos = intervalNanos * burst;
        this.tat = new AtomicLong(nowNanos);
    }

    /**
     * Takes a token if there is one.
     *
     * @return 0 when the request may go, else how long until a token is free (nanoseconds, > 0)
     */
    @Override
    public long tryAcquire(long nowNanos) {
        while (true) {
            long current = tat.get();
            long next = Math.max(current, nowNanos) + intervalNanos;
            long ahead = next - nowNanos;
            if (ahead > toleranceNanos) {
                return ahead - toleranceNanos;
            }
            if (tat.compareAndSet(current, next)) {
                return 0;
            }
        }
    }

    /** Whether the bucket is full again at {@code nowNanos} (an idle client's bucket may be dropped). */
    @Override
    public boolean isIdle(long nowNanos) {
        return tat.get() <= nowNanos;
    }
}
