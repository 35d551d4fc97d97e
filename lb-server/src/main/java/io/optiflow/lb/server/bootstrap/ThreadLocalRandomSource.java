package io.optiflow.lb.server.bootstrap;

import io.optiflow.lb.api.spi.RandomSource;
import java.util.concurrent.ThreadLocalRandom;

/** The production random source: {@link ThreadLocalRandom}, lock-free and allocation-free. */
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
