package io.optiflow.lb.bench.sim;

import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The built-in strategies the simulator compares, found by name through {@link ServiceLoader} exactly as the
 * server finds them (highest priority wins a name clash). A name nobody registers is skipped with a note.
 */
public final class Strategies {

    /** The built-ins, in the order tables list them. */
    public static final List<String> BUILT_IN = List.of("round-robin", "weighted-round-robin", "least-connections",
            "random", "power-of-two", "latency-weighted", "consistent-hash");

    private final List<StrategyProvider<?>> found;
    private final List<String> missing;

    private Strategies(List<StrategyProvider<?>> found, List<String> missing) {
        this.found = List.copyOf(found);
        this.missing = List.copyOf(missing);
    }

    /** Looks up every built-in name on this class's class loader. */
    public static Strategies load() {
        Map<String, StrategyProvider<?>> byName = new HashMap<>();
        for (StrategyProvider<?> p : ServiceLoader.load(StrategyProvider.class, Strategies.class.getClassLoader())) {
            if (!p.isAvailable()) {
                continue;
            }
            StrategyProvider<?> seen = byName.get(p.name());
            if (seen == null || p.priority() > seen.priority()) {
                byName.put(p.name(), p);
            }
        }
        List<StrategyProvider<?>> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : BUILT_IN) {
            StrategyProvider<?> p = byName.get(name);
            if (p == null) {
                missing.add(name);
            } else {
                found.add(p);
            }
        }
        return new Strategies(found, missing);
    }

    /** Only the strategy of this name (for tuning one strategy); missing when not registered. */
    public static Strategies only(String name) {
        Strategies all = load();
        StrategyProvider<?> p = all.get(name);
        return p == null ? new Strategies(List.of(), List.of(name)) : new Strategies(List.of(p), List.of());
    }

    /** The providers found, in {@link #BUILT_IN} order. */
    public List<StrategyProvider<?>> found() {
        return found;
    }

    /** Built-in names no provider is registered under. */
    public List<String> missing() {
        return missing;
    }

    /** The provider of {@code name}, or {@code null}. */
    public StrategyProvider<?> get(String name) {
        for (StrategyProvider<?> p : found) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** A line for a table's notes, or empty when every built-in was found. */
    public String note() {
        return missing.isEmpty() ? "" : "Not registered, so not simulated: " + String.join(", ", missing) + ".";
    }
}
