package io.optiflow.lb.server.ratelimit;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This replica's share of a cluster-wide bucket in Redis: a local allowance of permits, taken one by one on the
 * request path with one atomic decrement, topped up from Redis in batches by {@link ClusterRateLimits}'s refill
 * thread (never on the request path). Below {@link #lowWater} a top-up is asked for; while it is on its way up to
 * {@link #credit} requests go on credit, repaid from the next batch, so a request never waits for Redis and the
 * total admitted stays what Redis granted plus at most {@code credit}. When Redis said the bucket is empty, nothing
 * is asked again before it said a permit would be free. Redis down: {@code open} admits all, otherwise a local bucket
 * with the limit divided by the replicas last counted.
 *
 * <p>Threading: {@link #tryAcquire} lock-free and allocation-free; the fields below it are written by the refill
 * thread.
 */
final class ClusterBucket implements Permits {

    final String key;
    final double rps;
    final int burst;
    final long intervalMicros;
    final long toleranceMicros;
    final int batch;
    final int credit;
    final long lowWater;
    final boolean open;
    final AtomicLong allowance = new AtomicLong();
    final AtomicBoolean queued = new AtomicBoolean();
    private final ClusterRateLimits cluster;
    private final long intervalNanos;
    volatile long emptyUntilNanos;
    volatile long lastUseNanos;
    private volatile TokenBucket fallback;
    private volatile int fallbackReplicas = 1;

    ClusterBucket(ClusterRateLimits cluster, String key, double rps, int burst, boolean open, long nowNanos) {
        this.cluster = cluster;
        this.key = key;
        this.rps = rps;
        this.burst = burst;
        this.open = open;
        this.intervalNanos = Math.max(1, (long) (1_000_000_000d / rps));
        this.intervalMicros = Math.max(1, intervalNanos / 1000);
        this.toleranceMicros = intervalMicros * burst;
        // a batch is about 20 ms of the limit (1 at least, the burst at most): few round trips, little overshoot
        this.batch = (int) Math.max(1, Math.min(burst, Math.ceil(rps * ClusterRateLimits.BATCH_SECONDS)));
        this.credit = batch;
        this.lowWater = batch / 2;
        this.lastUseNanos = nowNanos;
        this.fallback = new TokenBucket(rps, burst, nowNanos);
    }

    @Override
    public long tryAcquire(long nowNanos) {
        lastUseNanos = nowNanos;
        if (!cluster.isUp()) {
            return open ? 0 : fallback(nowNanos).tryAcquire(nowNanos);
        }
        long left = allowance.decrementAndGet();
        if (left < lowWater && nowNanos >= emptyUntilNanos && queued.compareAndSet(false, true)) {
            cluster.refillSoon(this);
        }
        if (left >= -credit) {
            return 0;
        }
        allowance.incrementAndGet();
        long wait = emptyUntilNanos - nowNanos;
        return wait > 0 ? wait : intervalNanos;
    }

    @Override
    public boolean isIdle(long nowNanos) {
        return nowNanos - lastUseNanos > 10_000_000_000L && !queued.get();
    }

    /** Permits to ask for now: a batch and what is owed. */
    long wanted() {
        return batch + Math.max(0, -allowance.get());
    }

    /** Takes Redis' answer (refill thread). */
    void granted(long permits, long waitMicros, long nowNanos) {
        if (permits > 0) {
            allowance.addAndGet(permits);
        }
        // empty: ask again when a whole batch will be free, not for every single permit (a round trip per batch)
        emptyUntilNanos = waitMicros > 0 ? nowNanos + (waitMicros + (batch - 1) * intervalMicros) * 1000 : 0;
        queued.set(false);
    }

    /** The local bucket while Redis is down: the limit divided by the replicas last counted (rebuilt if that moved). */
    private TokenBucket fallback(long nowNanos) {
        int n = cluster.replicas();
        TokenBucket f = fallback;
        if (n != fallbackReplicas) {
            f = new TokenBucket(rps / n, Math.max(1, burst / n), nowNanos);
            fallback = f;
            fallbackReplicas = n;
        }
        return f;
    }
}
