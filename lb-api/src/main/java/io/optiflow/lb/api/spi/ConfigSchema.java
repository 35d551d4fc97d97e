package io.optiflow.lb.api.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The config attributes a strategy accepts. Immutable. {@link #parse} validates raw key/values against it, so a
 * provider's {@code parseConfig} is usually {@code SCHEMA.parse(raw).map(v -> new Config(v.getInt("x"), ...))}.
 *
 * <pre>{@code
 * static final ConfigSchema SCHEMA = ConfigSchema.builder()
 *         .intAttribute("choices", 2, 2, 16, "How many random backends to compare.")
 *         .durationAttribute("decay", "10s", "1ms", "1h", "Time constant of the latency average.")
 *         .build();
 * }</pre>
 */
public final class ConfigSchema {

    private static final ConfigSchema EMPTY = new ConfigSchema(List.of());

    private final List<ConfigAttribute> attributes;
    private final Map<String, ConfigAttribute> byName;

    private ConfigSchema(List<ConfigAttribute> attributes) {
        this.attributes = List.copyOf(attributes);
        Map<String, ConfigAttribute> m = new LinkedHashMap<>();
        for (ConfigAttribute a : attributes) {
            if (m.put(a.name(), a) != null) {
                throw new IllegalArgumentException("attribute '" + a.name() + "' declared twice");
            }
        }
        this.byName = Collections.unmodifiableMap(m);
        for (ConfigAttribute a : attributes) {
            if (a.defaultValue() != null) {
                String err = check(a, a.defaultValue(), new Object[1]);
                if (err != null) {
                    throw new IllegalArgumentException("default of " + err);
                }
            }
        }
    }

    /** A schema with no attributes: any key is an error. */
    public static ConfigSchema empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The attributes, in declaration order. */
    public List<ConfigAttribute> attributes() {
        return attributes;
    }

    /** The attribute of that name, or {@code null}. */
    public ConfigAttribute attribute(String name) {
        return byName.get(name);
    }

    /**
     * Validates {@code raw} (null means empty): every key must be declared, every value must read as its type and
     * lie in its range. Missing keys take their defaults. Never throws; all errors are reported at once.
     */
    public ConfigResult<ConfigValues> parse(Map<String, String> raw) {
        Map<String, String> in = raw == null ? Map.of() : raw;
        List<String> errors = new ArrayList<>();
        for (String key : new TreeSet<>(in.keySet())) {
            if (!byName.containsKey(key)) {
                errors.add(key + ": unknown attribute (expected: "
                        + (attributes.isEmpty() ? "no attributes" : "one of " + String.join(", ", byName.keySet()))
                        + ")");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigAttribute a : attributes) {
            String text = in.get(a.name());
            if (text == null) {
                text = a.defaultValue();
            }
            if (text == null) {
                continue;
            }
            Object[] out = new Object[1];
            String err = check(a, text, out);
            if (err != null) {
                errors.add(err);
            } else {
                values.put(a.name(), out[0]);
            }
        }
        return errors.isEmpty() ? ConfigResult.valid(new ConfigValues(values)) : ConfigResult.invalid(errors);
    }

    /** Reads {@code text} as {@code a}'s type into {@code out[0]}; returns an error message or null. */
    private static String check(ConfigAttribute a, String text, Object[] out) {
        String t = text.trim();
        String bad = a.name() + ": '" + text + "' (expected: " + a.expected() + ")";
        try {
            double numeric;
            switch (a.type()) {
                case INT -> {
                    int v = Integer.parseInt(t);
                    out[0] = v;
                    numeric = v;
                }
                case LONG -> {
                    long v = Long.parseLong(t);
                    out[0] = v;
                    numeric = v;
                }
                case DOUBLE -> {
                    double v = Double.parseDouble(t);
                    if (Double.isNaN(v) || Double.isInfinite(v)) {
                        return bad;
                    }
                    out[0] = v;
                    numeric = v;
                }
                case DURATION -> {
                    long v = Durations.parseNanos(t);
                    out[0] = v;
                    numeric = v;
                }
                case BOOLEAN -> {
                    if (!t.equals("true") && !t.equals("false")) {
                        return bad;
                    }
                    out[0] = Boolean.parseBoolean(t);
                    return null;
                }
                case ENUM -> {
                    if (!a.allowed().contains(t)) {
                        return bad;
                    }
                    out[0] = t;
                    return null;
                }
                default -> {
                    out[0] = text;
                    return null;
                }
            }
            if ((a.min() != null && numeric < a.min()) || (a.max() != null && numeric > a.max())) {
                return bad;
            }
            return null;
        } catch (IllegalArgumentException e) { // NumberFormatException included
            return bad;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigSchema s && s.attributes.equals(attributes);
    }

    @Override
    public int hashCode() {
        return attributes.hashCode();
    }

    @Override
    public String toString() {
        return "ConfigSchema" + attributes;
    }

    /** Builds a {@link ConfigSchema}; attributes keep the order they are added in. */
    public static final class Builder {
        private final List<ConfigAttribute> attributes = new ArrayList<>();

        private Builder() {
        }

        public Builder attribute(ConfigAttribute attribute) {
            attributes.add(Objects.requireNonNull(attribute, "attribute"));
            return this;
        }

        public Builder intAttribute(String name, int defaultValue, int min, int max, String description) {
            return attribute(new ConfigAttribute(name, ConfigType.INT, Integer.toString(defaultValue), description,
                    (double) min, (double) max, List.of()));
        }

        public Builder longAttribute(String name, long defaultValue, long min, long max, String description) {
            return attribute(new ConfigAttribute(name, ConfigType.LONG, Long.toString(defaultValue), description,
                    (double) min, (double) max, List.of()));
        }

        public Builder doubleAttribute(String name, double defaultValue, double min, double max, String description) {
            return attribute(new ConfigAttribute(name, ConfigType.DOUBLE, Double.toString(defaultValue), description,
                    min, max, List.of()));
        }

        public Builder booleanAttribute(String name, boolean defaultValue, String description) {
            return attribute(new ConfigAttribute(name, ConfigType.BOOLEAN, Boolean.toString(defaultValue),
                    description, null, null, List.of()));
        }

        /** A text attribute; {@code defaultValue} may be null for an optional one. */
        public Builder stringAttribute(String name, String defaultValue, String description) {
            return attribute(new ConfigAttribute(name, ConfigType.STRING, defaultValue, description, null, null,
                    List.of()));
        }

        /** A duration attribute; bounds are durations too ({@code "1ms"}), or null for none. */
        public Builder durationAttribute(String name, String defaultValue, String min, String max,
                                         String description) {
            return attribute(new ConfigAttribute(name, ConfigType.DURATION, defaultValue, description,
                    min == null ? null : (double) Durations.parseNanos(min),
                    max == null ? null : (double) Durations.parseNanos(max), List.of()));
        }

        public Builder enumAttribute(String name, String defaultValue, List<String> allowed, String description) {
            return attribute(new ConfigAttribute(name, ConfigType.ENUM, defaultValue, description, null, null,
                    allowed));
        }

        public ConfigSchema build() {
            return attributes.isEmpty() ? EMPTY : new ConfigSchema(attributes);
        }
    }
}
