package io.optiflow.lb.algorithms.roundrobin;

/**
 * The parsed config of {@code round-robin}.
 *
 * @param randomStart start each snapshot at a random backend (else carry the rotation on)
 */
record RoundRobinConfig(boolean randomStart) {
}
