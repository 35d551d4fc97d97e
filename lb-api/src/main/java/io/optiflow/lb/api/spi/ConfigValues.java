package io.optiflow.lb.api.spi;

import java.util.Collections;
import java.util.Map;

/**
 * Values that passed {@link ConfigSchema#parse}, already typed, defaults filled in. Getters throw
 * {@link IllegalArgumentException} for a name the schema does not declare or that has no value.
 */
public final class ConfigValues {

    private final Map<String, Object> values;

    ConfigValues(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public int getInt(String name) {
        return (Integer) get(name);
    }

    public long getLong(String name) {
        return (Long) get(name);
    }

    public double getDouble(String name) {
        return (Double) get(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    /** A STRING or ENUM value. */
    public String getString(String name) {
        return (String) get(name);
    }

    /** A DURATION value, in nanoseconds. */
    public long getDurationNanos(String name) {
        return (Long) get(name);
    }

    /** Whether an optional attribute (one without default) was given. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** All values by name (Integer, Long, Double, Boolean or String; durations as Long nanoseconds). */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(name + ": no value (undeclared, or optional and not given)");
        }
        return v;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
