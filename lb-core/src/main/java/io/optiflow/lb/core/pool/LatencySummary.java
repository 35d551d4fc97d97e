package io.optiflow.lb.core.pool;

/** Latency of recent requests of one backend, in milliseconds; NaN when there were none. */
public record LatencySummary(long count, double meanMs, double p50Ms, double p90Ms, double p99Ms) {
}
