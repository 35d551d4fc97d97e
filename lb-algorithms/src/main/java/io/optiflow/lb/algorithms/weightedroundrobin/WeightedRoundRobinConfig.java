package io.optiflow.lb.algorithms.weightedroundrobin;

/**
 * The parsed config of {@code weighted-round-robin}.
 *
 * @param maxCycle    longest precomputed sequence; larger weight sums are scaled down to fit
 * @param randomStart start each snapshot's sequence at a random position (else carry on)
 */
record WeightedRoundRobinConfig(int maxCycle, boolean randomStart) {
}
