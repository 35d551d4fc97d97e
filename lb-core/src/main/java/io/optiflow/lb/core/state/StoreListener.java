package io.optiflow.lb.core.state;

/**
 * Hears about changes in a shared store.
 *
 * <p>Threading: called on the store's own thread, one call at a time; it may call the store back.
 */
public interface StoreListener {

    /** The store holds {@code state} now (it may be one this replica wrote, or one it has already seen). */
    void changed(StoredState state);

    /** The watch broke (it is being re-established); a change may have been missed. */
    default void watchLost(Throwable cause) {
    }
}
