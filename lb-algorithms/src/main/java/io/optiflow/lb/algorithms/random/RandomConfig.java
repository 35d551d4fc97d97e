package io.optiflow.lb.algorithms.random;

/**
 * The parsed config of {@code random}.
 *
 * @param respectWeights draw in proportion to weight (else uniformly)
 */
record RandomConfig(boolean respectWeights) {
}
