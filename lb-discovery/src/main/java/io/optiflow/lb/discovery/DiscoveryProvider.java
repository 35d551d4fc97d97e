package io.optiflow.lb.discovery;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import java.util.Map;

/**
 * A kind of discovery source, found by {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.optiflow.lb.discovery.DiscoveryProvider}), like strategies: a contributor adds one the
 * same way. A service picks it with {@code lb.services.<name>.discovery.type=<type>}; its other
 * {@code discovery.*} keys (except {@code type} and {@code allow-empty}, which the server reads) are parsed once,
 * at start-up, by {@link #parseConfig}, and errors come back as values naming the key.
 *
 * <p>Threading: the methods are called once each per service, at start-up, from one thread.
 *
 * @param <C> the parsed config
 */
public interface DiscoveryProvider<C> {

    /** Kebab-case type, stable once released; also the origin its backends show ({@code file}, {@code dns}, ...). */
    String type();

    /** Highest wins when two providers have the same type. */
    default int priority() {
        return 0;
    }

    /** Whether it can run here (its libraries are present). */
    default boolean isAvailable() {
        return true;
    }

    /** Its keys with type, default and description: validation and docs come from this one source. */
    ConfigSchema configSchema();

    /** Parses the {@code discovery.*} keys (without the prefix, without {@code type} and {@code allow-empty}). */
    ConfigResult<C> parseConfig(Map<String, String> raw);

    /** A new source for one service; not started. */
    ServiceDiscovery newDiscovery(C config, DiscoveryContext context);
}
