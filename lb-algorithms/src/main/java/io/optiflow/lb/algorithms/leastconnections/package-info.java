/**
 * {@code least-connections}: each request goes to the healthy backend with the fewest requests in flight per
 * unit of weight ({@code inFlight / weight}); equally loaded backends take turns. In-flight counts come from
 * {@link io.optiflow.lb.api.LoadFeedback} and outlive snapshots, keyed by backend id.
 *
 * <p>Pick it when request cost varies or a backend may slow down: a slow backend piles up requests in flight and
 * stops getting new ones. Each pick scans every backend (O(n), exact); for hundreds of backends per service
 * {@code power-of-two} gives nearly the same balance for two counter reads.
 */
package io.optiflow.lb.algorithms.leastconnections;
