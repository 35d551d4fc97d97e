package io.optiflow.lb.server.config;

import java.util.List;

/** The {@code lb.*} configuration is wrong; start-up stops. Every error names the key, the value and what is expected. */
public final class InvalidConfigException extends RuntimeException {

    private final List<String> errors;

    public InvalidConfigException(List<String> errors) {
        super("OptiFlow LB cannot start, the configuration is invalid:\n  - " + String.join("\n  - ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
