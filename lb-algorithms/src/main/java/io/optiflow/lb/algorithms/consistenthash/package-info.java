/**
 * {@code consistent-hash}: requests with the same hash key (client address, a header, a cookie or the path, as the
 * service configures) reach the same backend. The ring holds {@code replicas x weight} points per backend, each
 * placed by the backend id alone, so a leaving backend moves only its own keys and a new one takes about
 * {@code 1/n} of them. Bounded loads (Mirrokni et al., 2016) keep a hot key from swamping its backend: a
 * backend already holding {@code ceil(load-factor x its weight share x in-flight)} requests is passed over for the
 * next one clockwise. Pick cost: a binary search over the ring and, under load, a short walk.
 *
 * <p>Pick it for cache affinity (a backend that keeps per-user or per-object state warm). For plain balancing
 * prefer {@code least-connections} or {@code power-of-two}: stickiness costs evenness.
 */
package io.optiflow.lb.algorithms.consistenthash;
