/**
 * {@code least-connections}: each request goes to the healthy backend with the fewest requests in flight per
 * unit of weight ({@code inFlight / weight}); equally loaded backends take turns. In-flight counts come from
 * {@link io.optiflow.lb.api.LoadFeedback} and outlive snapshots, keyed by backend id.
 *
 * <p>Pick it when request cost varies or a backend may slow down: a slow backend piles up requests in flight and
 * stops getting new ones. A pick is exact: it scans from a rotating cursor and stops at the second idle backend,
 * so with idle backends about it reads a few counters; when fewer than two are idle it reads all n (O(n)). For
 * hundreds of busy backends per service {@code power-of-two} gives nearly the same balance for two counter reads.
 */
package io.optiflow.lb.algorithms.leastconnections;
