package io.optiflow.lb.discovery;

import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.DiscoveredBackend;
import java.util.Map;
import java.util.Objects;

/**
 * One instance as a discovery source reports it.
 *
 * @param scheme {@code http} or {@code https}
 * @param host   host name or IP literal (IPv6 without brackets)
 * @param port   TCP port, 1..65535
 * @param weight relative weight, 1..10000
 * @param labels zone, version, ... (copied)
 */
public record DiscoveredInstance(String scheme, String host, int port, int weight, Map<String, String> labels) {

    public DiscoveredInstance {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme: '" + scheme + "' (expected: http or https)");
        }
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

    /** An {@code http} instance. */
    public DiscoveredInstance(String host, int port, int weight, Map<String, String> labels) {
        this("http", host, port, weight, labels);
    }

    /** {@code host:port}, the backend id the pools use. */
    public String id() {
        return host + ":" + port;
    }

    /** What the control plane is fed. */
    public DiscoveredBackend toBackend() {
        return new DiscoveredBackend(new BackendSpec(id(), scheme, host, port, weight), labels);
    }
}
