package io.optiflow.lb.core.state;

/** The store can't be reached (or answered too late); nothing was written. */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
