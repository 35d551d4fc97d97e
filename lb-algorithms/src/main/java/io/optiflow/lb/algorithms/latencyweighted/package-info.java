/**
 * {@code latency-weighted}: power of two choices over a peak-sensitive moving average of latency times the
 * requests in flight (the "peak EWMA" of Finagle, Linkerd and tower). Of two distinct random backends, the one
 * with the lower {@code ewma * (inFlight + 1) / weight} gets the request.
 *
 * <p>The average jumps up at once to a sample above it and sinks back with time constant {@code decay}, so a
 * backend that slows down is avoided from its first slow answer. A failed request counts as a sample of at
 * least {@code failure-penalty}. While a backend is idle its average relaxes toward {@code default-rtt}, the
 * value an unseen backend starts with, so a backend that was slow once is tried again (while requests are in
 * flight it does not: silence from a busy backend is no sign it got faster; on the contrary, a busy backend's
 * estimate is at least how long it has kept a request without answering, up to {@code failure-penalty}, so a
 * backend that stops answering is avoided before its first slow answer arrives). A backend with nothing in flight
 * and no sample for longer than {@code decay}, or none ever, costs 0 and gets one probe, so no backend is starved
 * for good even at low load. An optional per-backend token bucket ({@code rate-limit}, {@code burst}) makes the
 * picker skip a backend over its rate and answer {@code RATE_LIMITED} when every backend is.
 *
 * <p>Pick it when backends differ or change in speed; the simulator in {@code lb-bench} shows the figures
 * ({@code docs/simulation.md}).
 */
package io.optiflow.lb.algorithms.latencyweighted;
