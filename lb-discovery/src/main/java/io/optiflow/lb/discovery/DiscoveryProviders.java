package io.optiflow.lb.discovery;

import io.optiflow.lb.api.spi.ConfigResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The discovery providers on the class path, by type (highest priority wins; unavailable ones are left out).
 * Immutable once built. A broken provider entry is reported in {@link #problems()}, not thrown.
 */
public final class DiscoveryProviders {

    private final Map<String, DiscoveryProvider<?>> byType;
    private final List<String> problems;

    private DiscoveryProviders(Map<String, DiscoveryProvider<?>> byType, List<String> problems) {
        this.byType = byType;
        this.problems = problems;
    }

    /** The providers {@link ServiceLoader} finds through {@code loader}. */
    public static DiscoveryProviders load(ClassLoader loader) {
        Map<String, DiscoveryProvider<?>> m = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        var it = ServiceLoader.load(DiscoveryProvider.class, loader).iterator();
        while (true) {
            DiscoveryProvider<?> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                problems.add("discovery provider not loaded: " + e.getMessage());
                continue;
            }
            if (!p.isAvailable()) {
                continue;
            }
            DiscoveryProvider<?> prev = m.get(p.type());
            if (prev == null || p.priority() > prev.priority()) {
                m.put(p.type(), p);
            }
        }
        return new DiscoveryProviders(Map.copyOf(m), List.copyOf(problems));
    }

    /** The providers of this module's class loader. */
    public static DiscoveryProviders load() {
        return load(DiscoveryProviders.class.getClassLoader());
    }

    public Optional<DiscoveryProvider<?>> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** Known types, sorted. */
    public List<String> types() {
        return List.copyOf(new TreeMap<>(byType).keySet());
    }

    public List<String> problems() {
        return problems;
    }

    /** Parses {@code raw} for {@code type}: errors name the key without prefix. */
    public ConfigResult<?> parse(String type, Map<String, String> raw) {
        DiscoveryProvider<?> p = byType.get(type);
        if (p == null) {
            return ConfigResult.invalid("type: '" + type + "' (expected: one of " + String.join(", ", types()) + ")");
        }
        return p.parseConfig(raw);
    }

    /** Builds a source from a config {@link #parse} accepted. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public ServiceDiscovery create(String type, Object config, DiscoveryContext context) {
        DiscoveryProvider p = byType.get(type);
        if (p == null) {
            throw new IllegalArgumentException("type: '" + type + "' (expected: one of " + types() + ")");
        }
        return p.newDiscovery(config, context);
    }
}
