package io.optiflow.lb.testkit;

import io.optiflow.lb.api.spi.RandomSource;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A random source that returns the draws a test scripted, in order, so a test can state an exact pick sequence.
 * {@code nextInt(bound)} takes the next scripted int and checks it is below {@code bound}; {@code nextDouble()}
 * and {@code nextLong()} take their own queues. Running out of script fails the test loudly.
 */
public final class ScriptedRandom implements RandomSource {

    private final Deque<Integer> ints = new ArrayDeque<>();
    private final Deque<Double> doubles = new ArrayDeque<>();
    private final Deque<Long> longs = new ArrayDeque<>();

    public static ScriptedRandom ints(int... values) {
        return new ScriptedRandom().thenInts(values);
    }

    public synchronized ScriptedRandom thenInts(int... values) {
        for (int v : values) {
            ints.add(v);
        }
        return this;
    }

    public synchronized ScriptedRandom thenDoubles(double... values) {
        for (double v : values) {
            if (v < 0 || v >= 1) {
                throw new IllegalArgumentException("double draw: " + v + " (expected: [0, 1))");
            }
            doubles.add(v);
        }
        return this;
    }

    public synchronized ScriptedRandom thenLongs(long... values) {
        for (long v : values) {
            longs.add(v);
        }
        return this;
    }

    /** Draws still scripted and not taken. */
    public synchronized int remaining() {
        return ints.size() + doubles.size() + longs.size();
    }

    @Override
    public synchronized int nextInt(int bound) {
        Integer v = ints.poll();
        if (v == null) {
            throw new AssertionError("ScriptedRandom: nextInt(" + bound + ") called but no int draw is scripted");
        }
        if (v < 0 || v >= bound) {
            throw new AssertionError("ScriptedRandom: scripted int " + v + " is outside [0, " + bound + ")");
        }
        return v;
    }

    @Override
    public synchronized long nextLong() {
        Long v = longs.poll();
        if (v == null) {
            throw new AssertionError("ScriptedRandom: nextLong() called but no long draw is scripted");
        }
        return v;
    }

    @Override
    public synchronized double nextDouble() {
        Double v = doubles.poll();
        if (v == null) {
            throw new AssertionError("ScriptedRandom: nextDouble() called but no double draw is scripted");
        }
        return v;
    }
}
