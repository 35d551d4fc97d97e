package io.optiflow.lb.core.control;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The services the control plane manages, by name. Published whole through one volatile field at start-up, so any
 * thread reads it without a lock.
 */
final class ServiceTable {

    private volatile Map<String, ManagedService> services = Map.of();

    void publish(Map<String, ManagedService> built) {
        services = Collections.unmodifiableMap(new TreeMap<>(built));
    }

    Collection<ManagedService> all() {
        return services.values();
    }

    /** The service, or null. */
    ManagedService find(String name) {
        return name == null ? null : services.get(name);
    }

    /** @throws AdminException NOT_FOUND naming the services there are */
    ManagedService require(String name) {
        ManagedService s = find(name);
        if (s == null) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "service '" + name
                    + "' not found (expected: one of " + String.join(", ", services.keySet()) + ")");
        }
        return s;
    }

    static AdminException backendNotFound(String service, String id) {
        return new AdminException(AdminException.Kind.NOT_FOUND, "backend '" + id + "' not found in service '"
                + service + "'");
    }
}
