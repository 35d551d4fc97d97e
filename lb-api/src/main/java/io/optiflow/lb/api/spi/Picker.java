package io.optiflow.lb.api.spi;

import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;

/**
 * Chooses a backend for one request. Made by {@link Strategy#update} over an immutable snapshot.
 *
 * <p>Threading: called concurrently by every request thread. It must take no lock and allocate nothing: read
 * final fields and arrays, update atomics, and return a {@link io.optiflow.lb.api.Backend} of the snapshot or a
 * {@link io.optiflow.lb.api.Rejection} constant. No logging, no I/O, no streams or iterators, no boxing.
 */
@FunctionalInterface
public interface Picker {

    /** A picker over no backends: always {@link io.optiflow.lb.api.Rejection#NO_BACKEND}. */
    Picker NO_BACKEND = ctx -> io.optiflow.lb.api.Rejection.NO_BACKEND;

    PickResult pick(RequestContext ctx);
}
