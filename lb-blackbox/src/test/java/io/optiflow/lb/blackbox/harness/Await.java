package io.optiflow.lb.blackbox.harness;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits for a condition, polling. */
public final class Await {

    private Await() {
    }

    /** Waits until {@code condition} holds, at most {@code seconds}; fails the test naming {@code what}. */
    public static void until(String what, long seconds, BooleanSupplier condition) {
        until(what, seconds, 10, condition);
    }

    /** As {@link #until(String, long, BooleanSupplier)}, polling every {@code pollMillis} (for costly checks). */
    public static void until(String what, long seconds, long pollMillis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
