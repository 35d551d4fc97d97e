package io.optiflow.lb.algorithms.latencyweighted;

/**
 * The typed config of {@code latency-weighted}. Durations in nanoseconds.
 *
 * @param decayNanos          time constant of the latency average
 * @param defaultRttNanos     the estimate of a backend with no sample, and where an idle estimate relaxes to
 * @param failurePenaltyNanos the least latency a failed request counts as
 * @param rateLimit           requests per second per backend; 0 means no limit
 * @param burst               requests a backend may take at once above its rate (token bucket capacity)
 * @param exploration         probability of sending a request to a uniformly random backend instead
 * @param slowRatio           a backend whose typical latency is above this times the fastest one's is slow; 0: off
 * @param slowMarginNanos     ... and at least this much above it
 * @param probeIntervalNanos  a slow backend gets a probe when it has had no answer and no probe for this long (and
 *                            is idle)
 */
record LatencyWeightedConfig(long decayNanos, long defaultRttNanos, long failurePenaltyNanos, double rateLimit,
                             int burst, double exploration, double slowRatio, long slowMarginNanos,
                             long probeIntervalNanos) {
}
