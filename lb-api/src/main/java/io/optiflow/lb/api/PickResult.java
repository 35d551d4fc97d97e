package io.optiflow.lb.api;

/**
 * What a {@link io.optiflow.lb.api.spi.Picker} returns: either a {@link Backend} or a {@link Rejection}.
 *
 * <p>Both kinds are existing, immutable objects (a backend is its own pick result, a rejection is an enum
 * constant), so returning a result allocates nothing.
 */
public sealed interface PickResult permits Backend, Rejection {

    /** {@code true} when this result is a backend to send the request to. */
    boolean isBackend();

    /**
     * The chosen backend.
     *
     * @throws IllegalStateException if this result is a rejection
     */
    Backend backend();

    /**
     * Why no backend was chosen.
     *
     * @throws IllegalStateException if this result is a backend
     */
    Rejection rejection();
}
