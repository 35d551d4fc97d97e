package io.optiflow.lb.core.config;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A service's discovery source as configured ({@code lb.services.<name>.discovery.*}). The core only knows the
 * type (the origin its backends show) and whether an empty answer may empty the pool; the provider reads the rest.
 *
 * @param type       provider type ({@code file}, {@code dns}, {@code kubernetes}, {@code consul}, ...)
 * @param settings   the provider's keys without the {@code discovery.} prefix (sorted copy)
 * @param allowEmpty whether an empty answer removes every discovered backend (otherwise it is ignored)
 */
public record DiscoverySpec(String type, Map<String, String> settings, boolean allowEmpty) {

    public DiscoverySpec {
        Objects.requireNonNull(type, "type");
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(settings));
    }
}
