/**
 * {@code power-of-two} (the power of two random choices): each request draws two distinct healthy backends at
 * random and goes to the one with fewer requests in flight per unit of weight; on a tie, the first drawn. In-flight
 * counts come from {@link io.optiflow.lb.api.LoadFeedback} and outlive snapshots, keyed by backend id.
 *
 * <p>Pick it for large pools, or many load balancer replicas: each pick costs one random draw (both candidates) and two
 * counter reads whatever the pool size, and because the choice is random, replicas that see the same counts do not all
 * pile onto the same least-loaded backend. {@code least-connections} balances a little tighter at O(n) per pick.
 */
package io.optiflow.lb.algorithms.poweroftwo;
