package io.optiflow.lb.core.registry;

import io.optiflow.lb.api.spi.StrategyProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The strategies found: by ServiceLoader on the class path, and in every JAR of a plug-ins folder (each JAR its
 * own class loader). The folder is re-scanned every 2 s: a JAR added while running is offered within 5 s; a
 * broken JAR loads nothing, is reported in {@link #problems()} and the log, and the rest keep working.
 *
 * <p>Threading: all methods are thread-safe; reads see an immutable snapshot published through one volatile field.
 */
public interface StrategyRegistry extends AutoCloseable {

    /** A registry over the class path and {@code pluginsDir} (which may be null or absent: no plug-ins). */
    static StrategyRegistry create(Path pluginsDir) {
        return new DefaultStrategyRegistry(pluginsDir);
    }

    /** Starts watching the plug-ins folder on {@code scheduler}. */
    void start(ScheduledExecutorService scheduler);

    /** Every available strategy, sorted by name. */
    List<StrategyDescriptor> strategies();

    /** The provider of that name (the highest priority one), if any. */
    Optional<StrategyProvider<?>> find(String name);

    /** Current problems (a broken JAR, a provider that failed to load), one readable line each. */
    List<String> problems();

    @Override
    void close();
}
