package io.optiflow.lb.discovery;

import java.util.Map;
import java.util.Objects;

/**
 * One instance as a discovery source reports it.
 *
 * @param host   host name or IP literal
 * @param port   TCP port, 1..65535
 * @param weight relative weight, 1..10000
 * @param labels zone, version, ... (copied)
 */
public record DiscoveredInstance(String host, int port, int weight, Map<String, String> labels) {

    public DiscoveredInstance {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: blank (expected: a host name or IP address)");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (weight < 1 || weight > 10_000) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1..10000)");
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** {@code host:port}, the backend id the pools use. */
    public String id() {
        return host + ":" + port;
    }
}
