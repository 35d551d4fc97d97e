package io.optiflow.lb.core.config;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A service's discovery source as configured ({@code lb.services.<name>.discovery.*}). The core only knows the
 * type (the origin its backends show) and whether an empty answer may empty the pool; the provider reads the rest.
 * Type {@value #REGISTRATION} is no source: the service's instances register themselves through the admin API, and
 * it needs no static backend.
 *
 * @param type       provider type ({@code file}, {@code dns}, {@code kubernetes}, {@code consul}, ...)
 * @param settings   the provider's keys without the {@code discovery.} prefix (sorted copy)
 * @param allowEmpty whether an empty answer removes every discovered backend (otherwise it is ignored)
 */
public record DiscoverySpec(String type, Map<String, String> settings, boolean allowEmpty) {

    /** The type of a service whose members come from self-registration only (no source runs). */
    public static final String REGISTRATION = "registration";

    /** A registration-only service: no source, no static backend needed. */
    public static DiscoverySpec registrationOnly() {
        return new DiscoverySpec(REGISTRATION, Map.of(), false);
    }

    /** Whether a source runs for it (false for {@value #REGISTRATION}). */
    public boolean hasSource() {
        return !type.equals(REGISTRATION);
    }

    public DiscoverySpec {
        Objects.requireNonNull(type, "type");
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(settings));
    }
}
