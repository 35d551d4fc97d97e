package io.optiflow.lb.core.stats;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One service at one sample.
 *
 * @param name                 service name
 * @param at                   when the sample was taken (wall clock)
 * @param strategy             strategy in force
 * @param strategyConfig       its raw config
 * @param strategyOverridden   whether a runtime change set the strategy
 * @param configuredStrategy   the statically configured strategy
 * @param backends             the backends, sorted by id
 * @param requestsPerSecond    requests started per second over the second before
 * @param errorsPerSecond      failed requests per second over the second before
 * @param rateLimitedPerSecond requests refused with 429 per second (0 when the server does not report them)
 * @param noBackendPerSecond   requests refused for want of a backend per second (0 when not reported)
 * @param p50Ms                recent median latency of the whole service (NaN without recent traffic)
 * @param p99Ms                recent 99th percentile latency of the whole service (NaN without recent traffic)
 */
public record ServiceSample(String name, Instant at, String strategy, Map<String, String> strategyConfig,
                            boolean strategyOverridden, String configuredStrategy, List<BackendSample> backends,
                            double requestsPerSecond, double errorsPerSecond, double rateLimitedPerSecond,
                            double noBackendPerSecond, double p50Ms, double p99Ms) {

    /** Error rates at or above this count as trouble. */
    public static final double TROUBLE_ERROR_RATE = 0.05;

    /** Backends that may take new requests now. */
    public int availableBackends() {
        int n = 0;
        for (BackendSample b : backends) {
            if (b.available()) {
                n++;
            }
        }
        return n;
    }

    /** Failed share of the last second's requests, 0..1. */
    public double errorRate() {
        return requestsPerSecond <= 0 ? 0 : Math.min(1, errorsPerSecond / requestsPerSecond);
    }

    /** What is wrong now, one short phrase each; empty when nothing is. */
    public List<String> troubles() {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        if (availableBackends() == 0) {
            out.add(backends.isEmpty() ? "no backends" : "no healthy backend");
        } else if (availableBackends() < backends.size()) {
            out.add((backends.size() - availableBackends()) + " of " + backends.size() + " backends out");
        }
        if (errorRate() >= TROUBLE_ERROR_RATE) {
            out.add("errors " + Math.round(errorRate() * 100) + " %");
        }
        if (rateLimitedPerSecond > 0) {
            out.add("rate limited");
        }
        if (noBackendPerSecond > 0) {
            out.add("requests refused (no backend)");
        }
        return out;
    }

    /** Whether this service needs an operator's eyes: no backend to send to, errors up, or traffic refused. */
    public boolean inTrouble() {
        return availableBackends() == 0 || errorRate() >= TROUBLE_ERROR_RATE || rateLimitedPerSecond > 0
                || noBackendPerSecond > 0;
    }
}
