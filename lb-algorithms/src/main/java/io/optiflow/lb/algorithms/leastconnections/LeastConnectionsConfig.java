package io.optiflow.lb.algorithms.leastconnections;

/**
 * The parsed config of {@code least-connections}.
 *
 * @param respectWeights compare in-flight per unit of weight (else raw counts)
 */
record LeastConnectionsConfig(boolean respectWeights) {
}
