package io.optiflow.lb.api;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One instance of a backend service, as a strategy sees it. Immutable.
 *
 * <p>The {@code id} is stable for the life of the instance (by default {@code host:port}); strategies key
 * state that must outlive a snapshot by it. A backend is its own {@link PickResult}.
 *
 * @param id     stable identifier, unique within a service, non-blank
 * @param host   host name or IP literal, non-blank
 * @param port   TCP port, 1..65535
 * @param weight relative weight, {@value #MIN_WEIGHT}..{@value #MAX_WEIGHT}; {@value #DEFAULT_WEIGHT} unless configured
 * @param labels free-form labels (zone, version, ...), copied and sorted by key
 */
public record Backend(String id, String host, int port, int weight, Map<String, String> labels)
        implements PickResult, Comparable<Backend> {

    public static final int MIN_WEIGHT = 1;
    public static final int MAX_WEIGHT = 10_000;
    public static final int DEFAULT_WEIGHT = 1;

    public Backend {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id: blank (expected: a non-blank identifier)");
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: blank (expected: a host name or IP address)");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException(
                    "weight: " + weight + " (expected: " + MIN_WEIGHT + ".." + MAX_WEIGHT + ")");
        }
        labels = labels == null || labels.isEmpty()
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /** A backend with id {@code host:port}, weight 1 and no labels. */
    public static Backend of(String host, int port) {
        return new Backend(host + ":" + port, host, port, DEFAULT_WEIGHT, Map.of());
    }

    /** A backend with id {@code host:port}, the given weight and no labels. */
    public static Backend of(String host, int port, int weight) {
        return new Backend(host + ":" + port, host, port, weight, Map.of());
    }

    /** A copy with another weight. */
    public Backend withWeight(int newWeight) {
        return newWeight == weight ? this : new Backend(id, host, port, newWeight, labels);
    }

    /** {@code host:port}, with IPv6 literals bracketed. */
    public String authority() {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean isBackend() {
        return true;
    }

    @Override
    public Backend backend() {
        return this;
    }

    @Override
    public Rejection rejection() {
        throw new IllegalStateException("not a rejection: backend " + id);
    }

    /** Orders by id, the order of a {@link BackendSet}. */
    @Override
    public int compareTo(Backend other) {
        return id.compareTo(other.id);
    }

    @Override
    public String toString() {
        return "Backend[" + id + " " + authority() + " w=" + weight + (labels.isEmpty() ? "" : " " + labels) + "]";
    }
}
