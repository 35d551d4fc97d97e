package io.optiflow.lb.core.config;

/**
 * A backend as configured: {@code http://host:port} with an optional weight, written
 * {@code http://10.0.0.5:8080;weight=3}. The id is {@code host:port}.
 *
 * <p>SKELETON (lead): the core helper implements {@link #parse}; the signature is the contract.
 */
public record BackendSpec(String id, String scheme, String host, int port, int weight) {

    /**
     * Parses {@code http://host:port[;weight=N]} (port defaults to 80 for http, 443 for https; IPv6 in brackets).
     *
     * @throws IllegalArgumentException with a message naming the text and what was expected
     */
    public static BackendSpec parse(String text) {
        throw new UnsupportedOperationException("core helper implements this");
    }

    /** {@code http://host:port} (no weight). */
    public String url() {
        throw new UnsupportedOperationException("core helper implements this");
    }
}
