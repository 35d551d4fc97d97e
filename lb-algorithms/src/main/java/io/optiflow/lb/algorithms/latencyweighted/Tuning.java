package io.optiflow.lb.algorithms.latencyweighted;

/**
 * The constants every backend's state works with, derived once from the config and passed in by the picker and
 * the feedback. They live here, not in each {@link BackendState}, so that a state holds only its mutable fields:
 * what a pick reads of a candidate then fits in one or two cache lines instead of spreading over two or three (at
 * a thousand backends each line is a likely cache miss).
 */
final class Tuning {

    final double defaultRtt;
    /** A long, so that an idle backend's age is compared without a conversion to double. */
    final long decayNanos;
    /** 1 / decay, so that a decay weight costs a multiplication, not a division. */
    final double perDecayNanos;
    /** Nanoseconds between two tokens (GCRA emission interval); 0 when there is no rate limit. */
    final long interval;
    /** How far ahead of now the theoretical arrival time may run: burst * interval. */
    final long burstWindow;
    /** The most a request still waiting counts for: longer-lived requests (streams, long polls) are not failures. */
    final long pendingCap;

    Tuning(LatencyWeightedConfig config) {
        this.defaultRtt = config.defaultRttNanos();
        this.decayNanos = config.decayNanos();
        this.perDecayNanos = 1.0 / config.decayNanos();
        this.interval = config.rateLimit() > 0 ? Math.max(1L, Math.round(1e9 / config.rateLimit())) : 0L;
        this.burstWindow = interval * config.burst();
        this.pendingCap = Math.max(config.failurePenaltyNanos(), config.defaultRttNanos());
    }
}
