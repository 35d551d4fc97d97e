package io.optiflow.lb.testkit;

import io.optiflow.lb.api.spi.RandomSource;
import java.util.SplittableRandom;

/**
 * A reproducible random source: the same seed gives the same draws. Thread-safe (synchronized: fine for tests;
 * the server uses a lock-free source).
 */
public final class SeededRandom implements RandomSource {

    private final SplittableRandom random;

    public SeededRandom(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public synchronized long nextLong() {
        return random.nextLong();
    }

    @Override
    public synchronized double nextDouble() {
        return random.nextDouble();
    }
}
