package io.optiflow.lb.algorithms.consistenthash;

/**
 * The parsed config of {@code consistent-hash}; values already checked against the schema's ranges.
 *
 * @param replicas    ring points per unit of weight
 * @param loadFactor  the bounded-load factor c, at least 1
 * @param maxRingSize cap on the total number of ring points
 */
record ConsistentHashConfig(int replicas, double loadFactor, int maxRingSize) {

    /** The load factor in thousandths, so the bound is computed in exact integer arithmetic on the request path. */
    long loadFactorMillis() {
        return Math.round(loadFactor * 1000.0);
    }
}
