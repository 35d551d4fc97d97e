package io.optiflow.lb.api.spi;

import java.util.Map;

/**
 * A balancing strategy as a plug-in, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.optiflow.lb.api.spi.StrategyProvider}. Needs a public no-argument constructor.
 *
 * <p>Config is parsed once, at the edge: {@link #parseConfig} turns raw key/values into an immutable typed
 * config or a list of errors, and never throws; {@link #newStrategy} takes only a config it returned.
 *
 * <p>Threading: providers are stateless and thread-safe.
 *
 * @param <C> the typed, immutable config
 */
public interface StrategyProvider<C> {

    /**
     * The strategy's stable name: kebab-case, {@code [a-z][a-z0-9-]*}. Operators and saved state refer to it;
     * it never changes once released.
     */
    String name();

    /** One line saying what the strategy does and when to use it. */
    default String description() {
        return "";
    }

    /** When two providers share a name, the highest priority wins. Built-ins use 5. */
    default int priority() {
        return 5;
    }

    /** {@code false} hides the provider (for example, a required library is missing). */
    default boolean isAvailable() {
        return true;
    }

    /** The attributes the config accepts, each with a type, a default and a description. */
    ConfigSchema configSchema();

    /**
     * Parses raw config. Missing keys take their defaults; unknown keys and bad values are errors that name
     * the key, the value and what was expected. Never throws.
     */
    ConfigResult<C> parseConfig(Map<String, String> raw);

    /** A new strategy for one service. */
    Strategy newStrategy(C config, StrategyContext context);
}
