package io.optiflow.lb.server.admin;

import java.util.function.BooleanSupplier;

/** Waits for a condition, polling; bounded. */
final class Await {

    private Await() {
    }

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code millis}. Returns the time it took. */
    static long until(long millis, String what, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + millis + " ms: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return (System.nanoTime() - start) / 1_000_000L;
    }
}
