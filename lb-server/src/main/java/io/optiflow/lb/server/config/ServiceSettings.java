package io.optiflow.lb.server.config;

import io.optiflow.lb.core.config.ServiceSpec;

/**
 * One service's settings, checked: what the core needs ({@link #spec}) plus what only the proxy uses.
 *
 * @param spec              the static service (backends, strategy, health) handed to the control plane
 * @param matchHost         lower-case host (no port) this service answers, or null for any host
 * @param pathPrefix        path prefix it answers ({@code /} for all)
 * @param timeoutMillis     longest silence from a backend before 504
 * @param retryAttempts     further backends tried after the first
 * @param retryBudgetPercent retries after sending stay under this share of recent requests
 * @param rps               service-wide rate (requests/s), 0 = unlimited
 * @param burst             service-wide bucket size
 * @param clientRps         per-client rate, 0 = unlimited
 * @param clientBurst       per-client bucket size
 * @param hashKey           affinity source
 */
public record ServiceSettings(ServiceSpec spec, String matchHost, String pathPrefix, long timeoutMillis,
                              int retryAttempts, int retryBudgetPercent, double rps, int burst, double clientRps,
                              int clientBurst, HashKey hashKey) {

    public String name() {
        return spec.name();
    }

    /** Where the affinity hash of a request comes from. */
    public record HashKey(Kind kind, String name) {

        public enum Kind { CLIENT_IP, HEADER, COOKIE, PATH }

        public static final HashKey CLIENT_IP = new HashKey(Kind.CLIENT_IP, null);
    }
}
