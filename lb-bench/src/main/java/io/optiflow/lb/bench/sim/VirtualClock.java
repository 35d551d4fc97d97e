package io.optiflow.lb.bench.sim;

import io.optiflow.lb.api.spi.Ticker;

/** The simulator's virtual time, handed to strategies as their ticker. Moved only by the event loop. */
final class VirtualClock implements Ticker {

    private long now;

    @Override
    public long read() {
        return now;
    }

    void advanceTo(long t) {
        if (t < now) {
            throw new IllegalStateException("time went back: " + t + " < " + now);
        }
        now = t;
    }
}
