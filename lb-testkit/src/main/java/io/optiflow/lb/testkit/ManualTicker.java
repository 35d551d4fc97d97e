package io.optiflow.lb.testkit;

import io.optiflow.lb.api.spi.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when a test moves it. Thread-safe. */
public final class ManualTicker implements Ticker {

    private final AtomicLong nanos;

    public ManualTicker() {
        this(0L);
    }

    public ManualTicker(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long read() {
        return nanos.get();
    }

    public ManualTicker advance(Duration d) {
        return advanceNanos(d.toNanos());
    }

    public ManualTicker advanceMillis(long millis) {
        return advanceNanos(millis * 1_000_000L);
    }

    public ManualTicker advanceNanos(long delta) {
        if (delta < 0) {
            throw new IllegalArgumentException("delta: " + delta + " (expected: >= 0, time does not go back)");
        }
        nanos.addAndGet(delta);
        return this;
    }
}
