package io.optiflow.lb.bench.jmh;

import io.optiflow.lb.api.spi.RandomSource;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A lock-free, allocation-free random source, like the one the server passes. The test kit's seeded source is
 * synchronized (fine for tests) and would make the two-thread runs measure its lock instead of the strategy.
 */
final class ThreadLocalRandomSource implements RandomSource {

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
