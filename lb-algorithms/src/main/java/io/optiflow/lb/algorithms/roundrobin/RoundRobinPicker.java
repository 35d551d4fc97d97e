package io.optiflow.lb.algorithms.roundrobin;

import io.optiflow.lb.algorithms.support.PaddedCursor;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;

/** One shared counter over an immutable snapshot: one atomic increment per pick. */
final class RoundRobinPicker implements Picker {

    private final BackendSet backends;
    private final int size;
    /** A long so it never wraps in practice: an int wrapping would skip part of the rotation once. */
    private final PaddedCursor next;

    RoundRobinPicker(BackendSet backends, long start) {
        this.backends = backends;
        this.size = backends.size();
        this.next = new PaddedCursor(start);
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        return backends.get((int) ((next.getAndIncrement() & Long.MAX_VALUE) % size));
    }

    /** Where the next pick would land, for carrying the rotation over to the next snapshot. */
    long position() {
        return next.get() & Long.MAX_VALUE;
    }
}
