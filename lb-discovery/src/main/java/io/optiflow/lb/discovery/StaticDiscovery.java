package io.optiflow.lb.discovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A fixed list of instances: the discovery behind {@code lb.services.<name>.backends}. Reports once, at start.
 * Duplicates (same host and port) are an error, reported with both entries, rather than silently merged.
 */
public final class StaticDiscovery implements ServiceDiscovery {

    private final List<DiscoveredInstance> instances;

    public StaticDiscovery(List<DiscoveredInstance> instances) {
        Map<String, DiscoveredInstance> byId = new LinkedHashMap<>();
        for (DiscoveredInstance i : instances) {
            DiscoveredInstance prev = byId.putIfAbsent(i.id(), i);
            if (prev != null) {
                throw new IllegalArgumentException("backends: '" + i.id()
                        + "' listed twice (expected: each host:port once)");
            }
        }
        this.instances = List.copyOf(new ArrayList<>(byId.values()));
    }

    @Override
    public String kind() {
        return "static";
    }

    @Override
    public void start(Consumer<List<DiscoveredInstance>> listener) {
        listener.accept(instances);
    }
}
