package io.optiflow.lb.core.state;

/** A compare-and-set lost: the store holds a newer document than the one the write was based on. */
public final class StoreConflictException extends RuntimeException {

    private final transient StoredState current;

    public StoreConflictException(StoredState current) {
        super("the state store holds a newer state (version " + current.version() + ")", null, false, false);
        this.current = current;
    }

    /** What the store holds now. */
    public StoredState current() {
        return current;
    }
}
