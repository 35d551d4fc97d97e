package io.optiflow.lb.core.registry;

import io.optiflow.lb.api.spi.ConfigSchema;

/**
 * A strategy the registry offers.
 *
 * @param name        kebab-case name
 * @param description one line
 * @param priority    provider priority (highest won any clash)
 * @param schema      its config attributes
 * @param source      {@code built-in} (class path) or the plug-in JAR's file name
 */
public record StrategyDescriptor(String name, String description, int priority, ConfigSchema schema,
                                 String source) {
}
