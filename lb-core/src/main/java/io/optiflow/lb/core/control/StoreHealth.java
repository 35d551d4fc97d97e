package io.optiflow.lb.core.control;

import java.time.Clock;
import java.time.Instant;

/**
 * Whether the state store answers, since when, and why not. Written by the sync loop and by failed writes, read by
 * anyone.
 */
final class StoreHealth {

    private record Value(boolean up, Instant since, String problem) {
    }

    private final Clock clock;
    private volatile Value value;

    StoreHealth(Clock clock, boolean up) {
        this.clock = clock;
        this.value = new Value(up, clock.instant(), up ? null : "not reached yet");
    }

    boolean isUp() {
        return value.up();
    }

    Instant since() {
        return value.since();
    }

    String problem() {
        return value.problem();
    }

    /** @return true when this changed the state (it was up) */
    synchronized boolean markDown(String problem) {
        Value v = value;
        if (!v.up()) {
            value = new Value(false, v.since(), problem);
            return false;
        }
        value = new Value(false, clock.instant(), problem);
        return true;
    }

    /** @return true when this changed the state (it was down) */
    synchronized boolean markUp() {
        if (value.up()) {
            return false;
        }
        value = new Value(true, clock.instant(), null);
        return true;
    }
}
