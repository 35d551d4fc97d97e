/**
 * {@code random}: each request goes to a healthy backend drawn at random with probability proportional to its
 * weight (uniform when all weights are equal). The draw uses Vose's alias table, built in exact integer
 * arithmetic when the snapshot changes, so a pick is O(1): one draw, plus a second for a split column.
 *
 * <p>Pick it when many load balancer replicas share few backends and no request-path state is wanted: there is no
 * shared counter to contend on and nothing for replicas to fall into step on. Over short windows it is less even
 * than {@code weighted-round-robin}; it does not react to load like {@code power-of-two}.
 */
package io.optiflow.lb.algorithms.random;
