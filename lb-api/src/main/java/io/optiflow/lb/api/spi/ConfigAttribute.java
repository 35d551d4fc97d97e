package io.optiflow.lb.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * One config attribute of a strategy: the single source for validation, the admin API, the dashboard's form and
 * the docs.
 *
 * @param name         kebab-case key
 * @param type         value type
 * @param defaultValue the default as text (valid for the type), or {@code null} when the attribute is optional
 *                     and has no default
 * @param description  what it does, for operators
 * @param min          inclusive lower bound for numbers and durations (nanoseconds), or {@code null}
 * @param max          inclusive upper bound for numbers and durations (nanoseconds), or {@code null}
 * @param allowed      the accepted words of an {@link ConfigType#ENUM}; empty otherwise
 */
public record ConfigAttribute(String name, ConfigType type, String defaultValue, String description,
                              Double min, Double max, List<String> allowed) {

    public ConfigAttribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: kebab-case, [a-z][a-z0-9-]*)");
        }
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
        if (type == ConfigType.ENUM && allowed.isEmpty()) {
            throw new IllegalArgumentException(name + ": an ENUM attribute needs its allowed words");
        }
    }

    /** The expected form of a value, for error messages and docs: {@code "an integer from 1 to 16"}. */
    public String expected() {
        String range = range();
        return switch (type) {
            case INT, LONG -> "an integer" + range;
            case DOUBLE -> "a number" + range;
            case BOOLEAN -> "true or false";
            case STRING -> "text";
            case DURATION -> "a duration such as 250ms or 10s" + range;
            case ENUM -> "one of " + String.join(", ", allowed);
        };
    }

    private String range() {
        if (min == null && max == null) {
            return "";
        }
        if (type == ConfigType.DURATION) {
            return min != null && max != null ? " from " + Durations.format(min.longValue()) + " to "
                    + Durations.format(max.longValue())
                    : min != null ? " of at least " + Durations.format(min.longValue())
                    : " of at most " + Durations.format(max.longValue());
        }
        return min != null && max != null ? " from " + num(min) + " to " + num(max)
                : min != null ? " of at least " + num(min) : " of at most " + num(max);
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
