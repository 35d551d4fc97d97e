package io.optiflow.lb.algorithms.poweroftwo;

/**
 * The parsed config of {@code power-of-two}.
 *
 * @param respectWeights compare in-flight per unit of weight (else raw counts)
 */
record PowerOfTwoConfig(boolean respectWeights) {
}
