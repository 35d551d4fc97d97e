package io.optiflow.lb.algorithms.latencyweighted;

import io.optiflow.lb.algorithms.support.TwoChoices;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Power of two choices over one immutable snapshot: draws two distinct backends (both from one 64-bit draw,
 * {@link TwoChoices}), sends the request to the cheaper one that has a token, and falls back to any backend with a
 * token when both are at their rate limit.
 *
 * <p>A backend far slower than the fastest (typical latency above {@code slow-ratio} times the fastest one's, and
 * at least {@code slow-margin} above it) takes requests only as probes: when drawn it is replaced by a random
 * backend that is not slow, unless a probe is due (idle, and no answer for {@code probe-interval}), which it then
 * gets whatever the other draw costs. The cost alone (estimate times requests in flight) would let it win against
 * busy fast backends: at 30 requests in flight each, a fast backend whose estimate (a peak) is its 8 ms tail costs
 * more than a 20 ms backend with 10. Probes keep it measured, so it wins its share back once it answers fast again.
 * Who is slow is worked out from every backend's typical latency at most every {@link #REFRESH_NANOS}, by the
 * first pick that finds the last result older than that.
 */
final class LatencyWeightedPicker implements Picker {

    /** How stale the slow/fast split may be. */
    static final long REFRESH_NANOS = 10_000_000L;

    private static final VarHandle REFRESHED_AT;

    static {
        try {
            REFRESHED_AT = MethodHandles.lookup().findVarHandle(LatencyWeightedPicker.class, "refreshedAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Backend[] backends;
    private final BackendState[] states;
    /**
     * Weights by index, read once here rather than through each backend on every pick, as doubles: the cost
     * comparison multiplies them with no int-to-double conversion on its path.
     */
    private final double[] weights;
    private final Ticker ticker;
    private final RandomSource random;
    private final Tuning tuning;
    private final double exploration;
    private final double slowRatio;
    private final double slowMargin;
    private final long probeInterval;

    /** When the slow/fast split was last worked out (through {@link #REFRESHED_AT}). */
    private volatile long refreshedAt;
    /**
     * Typical latency above which a backend is slow; +infinity when none was at the last split (or the rule is
     * off), so that a pick then reads no candidate's typical latency.
     */
    private volatile double slowAbove = Double.POSITIVE_INFINITY;
    /** Two buffers of the indices of backends that are not slow; one is published, the next split fills the other. */
    private final int[][] notSlow;
    /** The published buffer (high half) and how many indices it holds (low half). */
    private volatile long notSlowView;

    LatencyWeightedPicker(Backend[] backends, BackendState[] states, Ticker ticker, RandomSource random,
                          LatencyWeightedConfig config, Tuning tuning, long now) {
        this.backends = backends;
        this.states = states;
        this.weights = new double[backends.length];
        for (int i = 0; i < backends.length; i++) {
            weights[i] = backends[i].weight();
        }
        this.ticker = ticker;
        this.random = random;
        this.tuning = tuning;
        this.exploration = config.exploration();
        this.slowRatio = config.slowRatio();
        this.slowMargin = config.slowMarginNanos();
        this.probeInterval = config.probeIntervalNanos();
        this.notSlow = new int[2][backends.length];
        this.refreshedAt = now - REFRESH_NANOS; // the first pick works the split out
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        int n = backends.length;
        long now = ctx.nowNanos();
        if (now == RequestContext.UNKNOWN_TIME) {
            now = ticker.read(); // the one clock read of a pick when the caller has none
        }
        if (n == 1) {
            return take(0, now) ? backends[0] : Rejection.RATE_LIMITED;
        }
        double slow = slowRatio > 0.0 ? slowAbove(now) : Double.POSITIVE_INFINITY;
        // Draw order is part of the contract the scripted tests state: [exploration double], one long for both
        // candidates, then one int for each candidate replaced because it is slow.
        if (exploration > 0.0 && random.nextDouble() < exploration) {
            int k = random.nextInt(n);
            if (take(k, now)) {
                return backends[k];
            }
        }
        long draw = random.nextLong();
        int i = TwoChoices.first(draw, n);
        int j = TwoChoices.second(draw, n, i); // two distinct backends
        if (slow != Double.POSITIVE_INFINITY) {
            if (states[i].mean() > slow) {
                if (probe(i, now)) {
                    return backends[i];
                }
                i = notSlow(i);
            }
            if (states[j].mean() > slow) {
                if (probe(j, now)) {
                    return backends[j];
                }
                j = notSlow(j);
            }
        }
        // A tie goes to the first draw, which is itself uniform, so ties favour no backend. Cost per unit of
        // weight, cross-multiplied: cost(j) / w(j) < cost(i) / w(i).
        int best = i;
        int other = j;
        if (states[j].cost(now, tuning) * weights[i] < states[i].cost(now, tuning) * weights[j]) {
            best = j;
            other = i;
        }
        if (take(best, now)) {
            return backends[best];
        }
        if (other != best && take(other, now)) {
            return backends[other];
        }
        // Both candidates are at their limit: any backend with a token, scanning from the first draw.
        for (int k = 1; k < n; k++) {
            int idx = i + k < n ? i + k : i + k - n;
            if (idx != j && take(idx, now)) {
                return backends[idx];
            }
        }
        return Rejection.RATE_LIMITED;
    }

    /** Takes a token of backend {@code k} if it has one. */
    private boolean take(int k, long now) {
        return states[k].tryAcquire(now, tuning);
    }

    /** Gives the slow backend {@code k} a probe if one is due and it has a token. */
    private boolean probe(int k, long now) {
        BackendState s = states[k];
        if (s.probeDue(now, probeInterval) && take(k, now)) {
            s.probed(now);
            return true;
        }
        return false;
    }

    /** A random backend that is not slow, in place of the slow {@code k} (itself if the split has none). */
    private int notSlow(int k) {
        long view = notSlowView;
        int count = (int) view;
        return count == 0 ? k : notSlow[(int) (view >>> 32)][random.nextInt(count)];
    }

    /** The slow threshold, worked out again when older than {@link #REFRESH_NANOS} (by one pick; no lock). */
    private double slowAbove(long now) {
        long at = refreshedAt;
        if (now - at >= REFRESH_NANOS && REFRESHED_AT.compareAndSet(this, at, now)) {
            split();
        }
        return slowAbove;
    }

    /**
     * The fastest typical latency (backends with a sample), the threshold from it, and the backends under it. O(n)
     * every {@link #REFRESH_NANOS} at most, allocation-free: it fills the buffer not published. (A pick still
     * reading the older buffer two splits later reads indices of a snapshot's backends either way.)
     */
    private void split() {
        double fastest = Double.POSITIVE_INFINITY;
        for (BackendState s : states) {
            double m = s.mean();
            if (m < fastest) {
                fastest = m; // NaN (no sample) never compares below
            }
        }
        double threshold = fastest == Double.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY
                : Math.max(fastest * slowRatio, fastest + slowMargin);
        int[] into = notSlow[1 - (int) (notSlowView >>> 32)];
        int count = 0;
        for (int k = 0; k < states.length; k++) {
            if (!(states[k].mean() > threshold)) {
                into[count++] = k;
            }
        }
        notSlowView = ((long) (into == notSlow[0] ? 0 : 1) << 32) | count;
        // None slow (or all): the per-pick check is off until the next split. A backend that turns slow in between
        // is found by that split, within REFRESH_NANOS, as a change of the fastest one's latency is anyway.
        slowAbove = count == 0 || count == states.length ? Double.POSITIVE_INFINITY : threshold;
    }
}
