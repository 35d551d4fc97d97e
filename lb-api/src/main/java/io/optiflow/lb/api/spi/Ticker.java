package io.optiflow.lb.api.spi;

/**
 * A monotonic clock in nanoseconds (like {@link System#nanoTime()}, which strategy code must not call itself).
 * Tests pass a ticker they move by hand. Thread-safe; allocation-free.
 */
@FunctionalInterface
public interface Ticker {

    /** The system's monotonic clock. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long read();
}
