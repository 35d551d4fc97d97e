package io.optiflow.lb.bench.scorecard;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.registry.StrategyRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The strategy under test, found the way the server finds it: lb-core's {@link StrategyRegistry} over the class
 * path and a plug-ins folder holding a copy of the JAR (its own class loader, lb-api from the parent; highest
 * priority wins a name clash). Close it to drop the class loader and the folder.
 */
final class Candidate implements AutoCloseable {

    private final StrategyProvider<?> provider;
    private final String source;
    private final int priority;
    private final StrategyRegistry registry;
    private final Path folder;

    private Candidate(StrategyProvider<?> provider, String source, int priority, StrategyRegistry registry,
                      Path folder) {
        this.provider = provider;
        this.source = source;
        this.priority = priority;
        this.registry = registry;
        this.folder = folder;
    }

    /**
     * Loads {@code name} from {@code pluginJar} (or, when it is null, from the class path), and checks {@code config}
     * parses.
     *
     * @throws IllegalArgumentException when the JAR offers no such strategy or the config does not parse; the
     *                                  message says which and what would be right
     */
    static Candidate load(Path pluginJar, String name, Map<String, String> config) {
        Path folder = null;
        StrategyRegistry registry;
        try {
            if (pluginJar != null) {
                folder = Files.createTempDirectory("lb-scorecard-plugins");
                Files.copy(pluginJar, folder.resolve(pluginJar.getFileName()));
            }
            registry = StrategyRegistry.create(folder);
        } catch (IOException e) {
            deleteQuietly(folder);
            throw new UncheckedIOException("cannot prepare a plug-ins folder for " + pluginJar, e);
        }
        Candidate c = null;
        try {
            c = find(registry, folder, pluginJar, name);
            ConfigResult<?> parsed = c.provider.parseConfig(config);
            if (!parsed.isValid()) {
                throw new IllegalArgumentException("--config for '" + name + "': " + String.join("; ",
                        parsed.errors()));
            }
            return c;
        } catch (RuntimeException e) {
            if (c != null) {
                c.close();
            } else {
                registry.close();
                deleteQuietly(folder);
            }
            throw e;
        }
    }

    private static Candidate find(StrategyRegistry registry, Path folder, Path pluginJar, String name) {
        StrategyDescriptor found = null;
        List<String> offered = new ArrayList<>();
        String jarName = pluginJar == null ? null : pluginJar.getFileName().toString();
        for (StrategyDescriptor d : registry.strategies()) {
            if (pluginJar == null || d.source().equals(jarName)) {
                offered.add(d.name());
            }
            if (d.name().equals(name)) {
                found = d;
            }
        }
        if (pluginJar != null && !registry.problems().isEmpty() && offered.isEmpty()) {
            throw new IllegalArgumentException("--plugin: " + String.join("; ", registry.problems()));
        }
        if (found == null || (pluginJar != null && !found.source().equals(jarName))) {
            String where = pluginJar == null ? "the built-in strategies" : jarName;
            String why = found != null ? " (the " + found.source() + " '" + name + "' of priority " + found.priority()
                    + " wins the name: a plug-in replaces a built-in only with a higher priority())" : "";
            throw new IllegalArgumentException("--strategy: '" + name + "' is not offered by " + where + why
                    + " (expected: one of " + offered + (pluginJar == null ? "; a plug-in's strategy needs"
                    + " --plugin JAR" : "") + ")");
        }
        StrategyProvider<?> provider = registry.find(name).orElseThrow();
        return new Candidate(provider, found.source(), found.priority(), registry, folder);
    }

    StrategyProvider<?> provider() {
        return provider;
    }

    /** "built-in", or the JAR's file name. */
    String source() {
        return source;
    }

    int priority() {
        return priority;
    }

    @Override
    public void close() {
        registry.close();
        deleteQuietly(folder);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
