package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Ticker;

/**
 * Slow start for every strategy: an admission step between the strategy's pick and the request. A backend that
 * (re)joined the available set at {@code t0} is admitted with probability
 * {@code f = MIN_SHARE + (1 - MIN_SHARE) * (now - t0) / duration}; a refused pick asks the strategy again (at most
 * {@link #REPICKS} times, so round robin and random move on), and if the strategy keeps choosing ramping backends
 * (least-connections prefers an idle newcomer, a hash sticks to it) a warm backend is taken at random instead. With
 * no warm backend the first pick stands: slow start never refuses a request.
 *
 * <p>So the strategy decides, and the gate only thins out what reaches a cold backend, whatever the strategy's
 * notion of weight. Weights are not touched, so strategies that build rings or schedules from weights are not
 * rebuilt while a backend warms up.
 *
 * <p>Immutable, made by the pool's writer on every publish while some backend ramps. Request path: one ticker read,
 * a binary search by id and one random draw per pick that lands on a backend while a ramp is on; no allocation, no
 * lock. A pool with no ramping backend has no gate (one null check).
 */
final class SlowStartGate {

    /** Share of its traffic a backend gets the moment it joins (so it is probed by real requests at once). */
    static final double MIN_SHARE = 0.05;
    /** Further picks asked of the strategy after a refusal. */
    static final int REPICKS = 2;

    private final BackendSet set;
    /** Per index of {@link #set}: the ticker time its ramp started, or {@link Long#MIN_VALUE} when warm. */
    private final long[] since;
    private final long durationNanos;
    /** When every ramp of this snapshot is over. */
    private final long end;
    private final Ticker ticker;
    private final RandomSource random;

    private SlowStartGate(BackendSet set, long[] since, long durationNanos, long end, Ticker ticker,
                          RandomSource random) {
        this.set = set;
        this.since = since;
        this.durationNanos = durationNanos;
        this.end = end;
        this.ticker = ticker;
        this.random = random;
    }

    /**
     * A gate over {@code set}, or null when no member ramps at {@code now}.
     *
     * @param since per index of {@code set}: the ticker time its ramp started, {@link Long#MIN_VALUE} when warm
     */
    static SlowStartGate of(BackendSet set, long[] since, long durationNanos, long now, Ticker ticker,
                            RandomSource random) {
        if (durationNanos <= 0) {
            return null;
        }
        boolean any = false;
        long end = now;
        for (int i = 0; i < since.length; i++) {
            if (since[i] != Long.MIN_VALUE && now - since[i] < durationNanos) {
                any = true;
                end = Math.max(end, since[i] + durationNanos);
            } else {
                since[i] = Long.MIN_VALUE;
            }
        }
        return any ? new SlowStartGate(set, since, durationNanos, end, ticker, random) : null;
    }

    /** When the last ramp of this gate is over (ticker time): the pool republishes then to drop the gate. */
    long end() {
        return end;
    }

    /** The share (0..1] a member gets now; 1 when warm or unknown. */
    double share(String id, long now) {
        int i = set.indexOf(id);
        return i < 0 ? 1.0 : share(i, now);
    }

    private double share(int index, long now) {
        long t0 = since[index];
        if (t0 == Long.MIN_VALUE) {
            return 1.0;
        }
        long elapsed = now - t0;
        if (elapsed >= durationNanos) {
            return 1.0;
        }
        return MIN_SHARE + (1.0 - MIN_SHARE) * ((double) Math.max(0, elapsed) / durationNanos);
    }

    /** Admits {@code first} (the strategy's pick) or a replacement; never a rejection where a backend was picked. */
    PickResult admit(PickResult first, RequestContext ctx, Picker picker) {
        if (!first.isBackend()) {
            return first;
        }
        long now = ticker.read();
        if (now - end >= 0) {
            return first;
        }
        PickResult r = first;
        for (int attempt = 0; ; attempt++) {
            double share = share(r.backend().id(), now);
            if (share >= 1.0 || random.nextDouble() < share) {
                return r;
            }
            if (attempt == REPICKS) {
                break;
            }
            PickResult next = picker.pick(ctx);
            if (!next.isBackend()) {
                break;
            }
            r = next;
        }
        Backend warm = randomWarm(now);
        return warm != null ? warm : first;
    }

    /** A warm member chosen uniformly (scan from a random start), or null when all ramp. */
    private Backend randomWarm(long now) {
        int n = set.size();
        int start = random.nextInt(n);
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (share(i, now) >= 1.0) {
                return set.get(i);
            }
        }
        return null;
    }
}
