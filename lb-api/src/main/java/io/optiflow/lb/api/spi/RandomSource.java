package io.optiflow.lb.api.spi;

/**
 * Randomness for strategies, which must not create their own ({@code new Random()}, {@code ThreadLocalRandom}).
 * The server passes a fast thread-safe source; tests pass a seeded or scripted one.
 *
 * <p>Threading: thread-safe, lock-free and allocation-free on the request path.
 */
public interface RandomSource {

    /** A uniformly distributed int in {@code [0, bound)}; {@code bound > 0}. */
    int nextInt(int bound);

    /** A uniformly distributed long. */
    long nextLong();

    /** A uniformly distributed double in {@code [0, 1)}. */
    double nextDouble();
}
