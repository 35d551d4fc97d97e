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
 */
record LatencyWeightedConfig(long decayNanos, long defaultRttNanos, long failurePenaltyNanos, double rateLimit,
                             int burst, double exploration) {
}
