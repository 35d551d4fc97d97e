package io.optiflow.lb.core;

import io.optiflow.lb.api.spi.RandomSource;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The production random source: {@link ThreadLocalRandom}, lock-free and allocation-free. The only class of the
 * code base allowed to touch {@code ThreadLocalRandom}; strategies get it through their context.
 */
public final class ThreadLocalRandomSource implements RandomSource {

    /** The one instance (it has no state of its own). */
    public static final ThreadLocalRandomSource INSTANCE = new ThreadLocalRandomSource();

    private ThreadLocalRandomSource() {
    }

    @Override
    public int nextInt(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public double nextDouble() {
        return ThreadLocalRandom.current().nextDouble();
    }
}
