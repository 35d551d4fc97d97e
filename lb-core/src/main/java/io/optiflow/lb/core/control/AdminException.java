package io.optiflow.lb.core.control;

import java.util.List;

/**
 * A control-plane change refused; nothing changed. The REST face maps kinds to 404 / 400 / 409 / 503.
 * {@link Kind#CONFLICT} from a shared state store names the service, so a face can show its current value.
 */
public final class AdminException extends RuntimeException {

    /** Why. */
    public enum Kind {
        NOT_FOUND, INVALID, CONFLICT,
        /** The shared state store can't be reached: the replica serves but takes no change. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final List<String> errors;
    private final String service;

    public AdminException(Kind kind, List<String> errors) {
        this(kind, null, errors);
    }

    public AdminException(Kind kind, String error) {
        this(kind, null, List.of(error));
    }

    /** @param service the service the refused change was about, or null */
    public AdminException(Kind kind, String service, String error) {
        this(kind, service, List.of(error));
    }

    private AdminException(Kind kind, String service, List<String> errors) {
        super(String.join("; ", errors));
        this.kind = kind;
        this.errors = List.copyOf(errors);
        this.service = service;
    }

    public Kind kind() {
        return kind;
    }

    /** Each error names the field, the value and what was expected. */
    public List<String> errors() {
        return errors;
    }

    /** The service whose current value answers the refusal (a conflict), or null. */
    public String service() {
        return service;
    }
}
