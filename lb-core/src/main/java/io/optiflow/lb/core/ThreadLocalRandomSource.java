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

    /**
     * Uniform in {@code [0, bound)} by Lemire's multiply-and-shift with rejection ("Fast Random Integer Generation
     * in an Interval", 2019): the high half of a 32-bit draw times the bound, exactly uniform, and a division only
     * in the rare case (probability bound / 2^32) that the draw may need rejecting. {@code ThreadLocalRandom}'s own
     * {@code nextInt(bound)} divides on every draw that is not a power of two, about a third of a strategy's pick
     * for the two draws of power-of-two choices.
     */
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound: " + bound + " (expected: > 0)");
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long m = (r.nextInt() & 0xFFFF_FFFFL) * bound;
        if ((m & 0xFFFF_FFFFL) < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound; // 2^32 mod bound: low halves under it are biased
            while ((m & 0xFFFF_FFFFL) < threshold) {
                m = (r.nextInt() & 0xFFFF_FFFFL) * bound;
            }
        }
        return (int) (m >>> 32);
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
