package io.optiflow.lb.core.config;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One backend as a discovery source reports it: its address and weight, and labels such as {@code zone}.
 *
 * @param spec   URL and weight (the id is {@code host:port})
 * @param labels labels passed on to strategies and views (sorted copy)
 */
public record DiscoveredBackend(BackendSpec spec, Map<String, String> labels) {

    public DiscoveredBackend {
        Objects.requireNonNull(spec, "spec");
        labels = labels == null || labels.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    public String id() {
        return spec.id();
    }
}
