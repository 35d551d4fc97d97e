package io.optiflow.lb.core.state;

import java.util.List;
import java.util.Map;

/**
 * A kind of state store, found by {@link java.util.ServiceLoader} and chosen by {@code lb.state.store}: where the
 * runtime overrides (strategy, weights, backends, registrations), the audit trail and the replica list live.
 * {@code local} (the data folder) ships in lb-core; stores that need a client library ship in modules of their own.
 *
 * <p>Threading: called once at start-up, from one thread.
 */
public interface StateStoreProvider {

    /** Kebab-case, stable: the value of {@code lb.state.store}. */
    String name();

    /** The highest wins when two providers have one name. */
    default int priority() {
        return 5;
    }

    /** False when something it needs is missing (it is then skipped). */
    default boolean isAvailable() {
        return true;
    }

    /**
     * Checks the store's settings (the keys under {@code lb.state.<name>.}, without that prefix).
     *
     * @return one message per problem, each naming the full key, the value and what was expected; empty when fine
     */
    List<String> configErrors(Map<String, String> config);

    /** Opens the store; called only when {@link #configErrors} found none. Connecting may happen later. */
    StateStore open(StoreContext context);
}
