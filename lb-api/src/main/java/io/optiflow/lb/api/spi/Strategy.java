package io.optiflow.lb.api.spi;

import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;

/**
 * The control side of a balancing strategy for one service.
 *
 * <p>Threading: {@link #update} and {@link #close} are called by one serialized writer per service, never
 * concurrently with each other. {@link #feedback()} is called once, after construction; the object it returns
 * is then used concurrently from request threads (see {@link LoadFeedback}). Pickers returned by earlier
 * updates may still be in use by request threads after a later update or after {@code close()}.
 *
 * <p>A strategy owns per-backend state that must outlive a snapshot (in-flight counts, latency averages, token
 * buckets), keyed by {@link io.optiflow.lb.api.Backend#id()}, and hands it to the next picker.
 */
public interface Strategy {

    /**
     * The backends that may take traffic changed (membership, weights or health). Returns the picker to
     * publish for the new snapshot; never {@code null} ({@link Picker#NO_BACKEND} for an empty set is fine).
     */
    Picker update(BackendSet healthy);

    /** Where the proxy reports what happened to the requests this strategy's pickers sent. */
    default LoadFeedback feedback() {
        return LoadFeedback.NOOP;
    }

    /** The strategy has been replaced or its service removed: cancel background work. */
    default void close() {
    }
}
