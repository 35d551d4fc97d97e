package io.optiflow.lb.api.spi;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A parsed config or the errors that kept it from parsing. Errors are values, never exceptions: each one names
 * the key, the value and what was expected ({@code "choices: 1 (expected: an integer from 2 to 16)"}).
 *
 * @param <C> the typed config
 */
public final class ConfigResult<C> {

    private final C config;
    private final List<String> errors;

    private ConfigResult(C config, List<String> errors) {
        this.config = config;
        this.errors = errors;
    }

    public static <C> ConfigResult<C> valid(C config) {
        return new ConfigResult<>(Objects.requireNonNull(config, "config"), List.of());
    }

    public static <C> ConfigResult<C> invalid(List<String> errors) {
        if (errors == null || errors.isEmpty()) {
            throw new IllegalArgumentException("errors: empty (expected: at least one error)");
        }
        return new ConfigResult<>(null, List.copyOf(errors));
    }

    public static <C> ConfigResult<C> invalid(String error) {
        return invalid(List.of(error));
    }

    public boolean isValid() {
        return errors.isEmpty();
    }

    /**
     * The config.
     *
     * @throws IllegalStateException when invalid; the message lists the errors
     */
    public C config() {
        if (!isValid()) {
            throw new IllegalStateException("invalid config: " + String.join("; ", errors));
        }
        return config;
    }

    /** The errors; empty when valid. */
    public List<String> errors() {
        return errors;
    }

    /** Applies {@code f} to a valid config; passes errors through. */
    public <D> ConfigResult<D> map(Function<? super C, ? extends D> f) {
        return isValid() ? valid(f.apply(config)) : invalid(errors);
    }

    /** Applies {@code f} (which may itself return errors, e.g. for checks across keys) to a valid config. */
    public <D> ConfigResult<D> flatMap(Function<? super C, ConfigResult<D>> f) {
        return isValid() ? f.apply(config) : invalid(errors);
    }

    @Override
    public String toString() {
        return isValid() ? "ConfigResult.valid(" + config + ")" : "ConfigResult.invalid(" + errors + ")";
    }
}
