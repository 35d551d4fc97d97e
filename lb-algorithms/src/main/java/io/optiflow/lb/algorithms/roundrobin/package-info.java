/**
 * {@code round-robin}: each request goes to the next healthy backend in id order; weights are ignored. Each
 * snapshot starts its rotation at a random backend so that replicas of the load balancer do not send their
 * traffic to the same backend in step. Pick cost: one atomic increment.
 *
 * <p>Pick it when backends are alike and requests are short and uniform. When backends differ in capacity use
 * {@code weighted-round-robin}; when request cost varies or a backend may slow down, use
 * {@code least-connections} or {@code power-of-two}, which route around a slow backend instead of feeding it its
 * full share.
 */
package io.optiflow.lb.algorithms.roundrobin;
