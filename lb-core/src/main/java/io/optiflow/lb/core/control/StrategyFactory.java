package io.optiflow.lb.core.control;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.core.pool.StrategyInstance;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.registry.StrategyRegistry;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds strategies from a name and raw config through the registry, turning every way a provider can fail
 * (unknown name, invalid config, a plug-in that throws or returns null) into error messages, never exceptions.
 * Stateless apart from the registry; thread-safe.
 */
final class StrategyFactory {

    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final StrategyRegistry registry;

    StrategyFactory(StrategyRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    StrategyRegistry registry() {
        return registry;
    }

    boolean isKnown(String name) {
        return name != null && !name.isBlank() && registry.find(name).isPresent();
    }

    /** A new strategy, or null with the reasons in {@code errors}. */
    StrategyInstance build(String name, Map<String, String> config, StrategyContext ctx, List<String> errors) {
        Optional<StrategyProvider<?>> p = name == null ? Optional.empty() : registry.find(name);
        if (p.isEmpty()) {
            errors.add("strategy: '" + name + "' is not available (expected: one of " + names() + ")");
            return null;
        }
        Strategy s = newStrategy(p.get(), config, ctx, errors);
        return s == null ? null : new StrategyInstance(name, config, s);
    }

    /** The config errors of {@code raw} for the named strategy (empty when valid); the name must be known. */
    List<String> configErrors(String name, Map<String, String> raw) {
        StrategyProvider<?> p = registry.find(name).orElseThrow();
        try {
            ConfigResult<?> r = p.parseConfig(raw == null ? Map.of() : raw);
            return r == null ? List.of("provider returned no result") : r.errors();
        } catch (RuntimeException e) {
            return List.of("provider failed to read the config (" + e + ")");
        }
    }

    /** The names of the strategies available now, for "expected: one of ..." messages. */
    String names() {
        List<String> names = new ArrayList<>();
        for (StrategyDescriptor d : registry.strategies()) {
            names.add(d.name());
        }
        return names.isEmpty() ? "(none available)" : String.join(", ", names);
    }

    static void closeQuietly(StrategyInstance instance) {
        try {
            instance.strategy().close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing strategy " + instance.name() + " failed", e);
        }
    }

    static List<String> prefixed(String prefix, List<String> errors) {
        List<String> out = new ArrayList<>(errors.size());
        for (String e : errors) {
            out.add(prefix + e);
        }
        return out;
    }

    private static <C> Strategy newStrategy(StrategyProvider<C> p, Map<String, String> raw, StrategyContext ctx,
                                            List<String> errors) {
        ConfigResult<C> r;
        try {
            r = p.parseConfig(raw == null ? Map.of() : raw);
        } catch (RuntimeException e) { // the SPI says never; a plug-in may still
            errors.add("strategy '" + p.name() + "' failed to read its config (" + e + ")");
            return null;
        }
        if (r == null || !r.isValid()) {
            errors.addAll(r == null ? List.of("strategy '" + p.name() + "' returned no config") : r.errors());
            return null;
        }
        try {
            Strategy s = p.newStrategy(r.config(), ctx);
            if (s == null) {
                errors.add("strategy '" + p.name() + "' returned no strategy");
            }
            return s;
        } catch (RuntimeException e) {
            errors.add("strategy '" + p.name() + "' failed to start (" + e + ")");
            return null;
        }
    }
}
