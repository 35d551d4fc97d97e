package io.optiflow.lb.algorithms.support;

/**
 * For scripted tests of the power-of-two-choices pickers: the 64-bit draw for which {@link TwoChoices} gives the
 * two candidates a test states, written as the two separate draws the pickers used to take (the first in
 * {@code [0, n)}, the second in {@code [0, n - 1)}, counted over the backends other than the first).
 */
public final class PairDraws {

    private PairDraws() {
    }

    /** The smallest draw whose split over {@code n} backends gives exactly these two draws. */
    public static long of(int n, int first, int second) {
        if (n < 2 || first < 0 || first >= n || second < 0 || second >= n - 1) {
            throw new IllegalArgumentException("draws " + first + ", " + second + " over " + n
                    + " backends (expected: first in [0, " + n + "), second in [0, " + (n - 1) + "), n >= 2)");
        }
        return (lowest(first, n) << 32) | lowest(second, n - 1);
    }

    /** The smallest 32-bit x with (x * bound) >>> 32 == value. */
    private static long lowest(int value, int bound) {
        return (((long) value << 32) + bound - 1) / bound;
    }
}
