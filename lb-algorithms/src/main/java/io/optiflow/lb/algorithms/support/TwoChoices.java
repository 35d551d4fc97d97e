package io.optiflow.lb.algorithms.support;

/**
 * Two distinct indices in {@code [0, n)} from one 64-bit draw, for the power-of-two-choices pickers: the high 32
 * bits give the first, uniform over the n backends, the low 32 bits the second, uniform over the other n - 1
 * (skipping the first instead of drawing again on a collision). One draw instead of two saves a read, a write and a
 * mix of the random source's state per pick.
 *
 * <p>Each index is a multiply-and-shift of its 32 bits (Lemire) without the rejection step: an index comes up with
 * probability within 1 / 2^32 of 1 / n (relatively at most n / 2^32: 2.4e-7 at a thousand backends), far below
 * anything a pick's outcome can show. {@code n} is at least 2 (a picker of one backend draws nothing).
 */
public final class TwoChoices {

    private static final long LOW = 0xFFFF_FFFFL;

    private TwoChoices() {
    }

    /** The first candidate: the draw's high 32 bits scaled to {@code [0, n)}. */
    public static int first(long draw, int n) {
        return (int) (((draw >>> 32) * n) >>> 32);
    }

    /** The second candidate, never {@code first}: the draw's low 32 bits scaled to the other {@code n - 1}. */
    public static int second(long draw, int n, int first) {
        int j = (int) (((draw & LOW) * (n - 1)) >>> 32);
        return j >= first ? j + 1 : j;
    }
}
