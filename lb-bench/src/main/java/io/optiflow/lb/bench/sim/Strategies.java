package io.optiflow.lb.bench.sim;

import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The built-in strategies the simulator compares, found by name through {@link ServiceLoader} exactly as the
 * server finds them (highest priority wins a name clash), plus at most one candidate with a config of its own (the
 * scorecard's strategy under test), and the seeds every scenario runs. A name nobody registers is skipped with a
 * note.
 */
public final class Strategies {

    /** The built-ins, in the order tables list them. */
    public static final List<String> BUILT_IN = List.of("round-robin", "weighted-round-robin", "least-connections",
            "random", "power-of-two", "latency-weighted", "consistent-hash");

    /**
     * One row of every table: a strategy, the label it is shown and looked up by, and its config. Built-ins run
     * with their defaults (the scenarios may add theirs); a candidate runs with its own config and is set in bold.
     */
    public record Entry(String label, StrategyProvider<?> provider, Map<String, String> config, boolean candidate) {

        /** The table cell naming this row. */
        public String cell() {
            return candidate ? "**" + label + "**" : label;
        }
    }

    private final List<StrategyProvider<?>> found;
    private final List<String> missing;
    private final Entry candidate;
    private final long[] seeds;

    private Strategies(List<StrategyProvider<?>> found, List<String> missing) {
        this(found, missing, null, Scenarios.SEEDS);
    }

    private Strategies(List<StrategyProvider<?>> found, List<String> missing, Entry candidate, long[] seeds) {
        this.found = List.copyOf(found);
        this.missing = List.copyOf(missing);
        this.candidate = candidate;
        this.seeds = seeds.clone();
    }

    /**
     * These strategies plus {@code provider} as the candidate row, run with {@code config} and shown as
     * {@code label} (which must differ from every built-in's name).
     */
    public Strategies withCandidate(String label, StrategyProvider<?> provider, Map<String, String> config) {
        if (get(label) != null) {
            throw new IllegalArgumentException("label: '" + label + "' (expected: a name no built-in row has)");
        }
        return new Strategies(found, missing, new Entry(label, provider, Map.copyOf(config), true), seeds);
    }

    /** These strategies, each scenario run with the first {@code count} of {@link Scenarios#SEEDS}. */
    public Strategies withSeeds(int count) {
        if (count < 1 || count > Scenarios.SEEDS.length) {
            throw new IllegalArgumentException("seeds: " + count + " (expected: 1 to " + Scenarios.SEEDS.length + ")");
        }
        return new Strategies(found, missing, candidate, Arrays.copyOf(Scenarios.SEEDS, count));
    }

    /** The rows of every table: the built-ins found, in {@link #BUILT_IN} order, then the candidate if any. */
    public List<Entry> entries() {
        List<Entry> rows = new ArrayList<>(found.size() + 1);
        for (StrategyProvider<?> p : found) {
            rows.add(new Entry(p.name(), p, Map.of(), false));
        }
        if (candidate != null) {
            rows.add(candidate);
        }
        return rows;
    }

    /** The seeds every scenario runs each strategy with. */
    public long[] seeds() {
        return seeds.clone();
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
