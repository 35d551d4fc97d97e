package io.optiflow.lb.core.control;

import java.util.List;

/** A control-plane change refused; nothing changed. The REST face maps kinds to 404 / 400 / 409. */
public final class AdminException extends RuntimeException {

    /** Why. */
    public enum Kind { NOT_FOUND, INVALID, CONFLICT }

    private final Kind kind;
    private final List<String> errors;

    public AdminException(Kind kind, List<String> errors) {
        super(String.join("; ", errors));
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public AdminException(Kind kind, String error) {
        this(kind, List.of(error));
    }

    public Kind kind() {
        return kind;
    }

    /** Each error names the field, the value and what was expected. */
    public List<String> errors() {
        return errors;
    }
}
