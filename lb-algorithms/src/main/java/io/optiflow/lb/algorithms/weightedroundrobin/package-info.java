/**
 * {@code weighted-round-robin}: each healthy backend gets a share of requests proportional to its weight, spread
 * out evenly rather than in bursts (nginx's smooth weighted round robin: weights 5, 1, 1 give
 * {@code a a b a c a a}, not {@code a a a a a b c}). The sequence of one full cycle is computed when the snapshot
 * changes (weights divided by their gcd; cycles longer than {@code max-cycle} scaled down), so a pick is one
 * atomic increment and one array read.
 *
 * <p>Pick it when backends differ in capacity (instance size) and requests are alike. With all weights equal it
 * is {@code round-robin}. When request cost varies, prefer {@code least-connections} or {@code power-of-two}
 * (both weight-aware).
 */
package io.optiflow.lb.algorithms.weightedroundrobin;
