package io.optiflow.lb.algorithms.weightedroundrobin;

import io.optiflow.lb.algorithms.support.PaddedCursor;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;

/** One shared counter walking a precomputed sequence of snapshot indices: one atomic increment per pick. */
final class WeightedRoundRobinPicker implements Picker {

    private final BackendSet backends;
    private final int[] sequence;
    private final int length;
    /** A long so it never wraps in practice: an int wrapping would break the cycle once. */
    private final PaddedCursor next;

    WeightedRoundRobinPicker(BackendSet backends, int[] sequence, long start) {
        this.backends = backends;
        this.sequence = sequence;
        this.length = sequence.length;
        this.next = new PaddedCursor(start);
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        return backends.get(sequence[(int) ((next.getAndIncrement() & Long.MAX_VALUE) % length)]);
    }

    /** Where the next pick would land, for carrying on in the next snapshot. */
    long position() {
        return next.get() & Long.MAX_VALUE;
    }

    /** Picks per full cycle; for tests. */
    int cycleLength() {
        return length;
    }
}
