package io.optiflow.lb.algorithms.latencyweighted;

/**
 * {@code exp(-x)} for the decay weights, from a table with linear interpolation: a few nanoseconds instead of
 * {@link Math#exp}'s tens on the request path. Monotone (non-increasing in x), as interpolating a decreasing
 * function between exact points is; relative error below 3.1e-5 for x in [0, 16) (the interpolation error of
 * exp(-x) on a step h is at most h*h/8 of the value, times e^h), and 0 from x = 16 on (e^-16 is 1.1e-7).
 *
 * <p>Below the first table step (x &lt; 1/64) it is the series {@code 1 - x + x*x/2} instead, which over-estimates
 * exp(-x) by less than x^3/6 (relative error below 6.5e-7 there) and needs no conversion to an index and no table
 * read. That is the usual case on the request path: with the default two-second decay, a backend answered within the
 * last 31 ms. Its value at the step is above the table's exact point there, so the function stays non-increasing
 * across the switch (the series itself decreases over [0, 1/64]).
 */
final class Decay {

    /** Table points per unit of x. */
    private static final int STEPS = 64;
    private static final double LIMIT = 16.0;
    /** Below this the series is used: the first table step. */
    private static final double SMALL = 1.0 / STEPS;
    /** exp(-k / STEPS) for k in [0, LIMIT * STEPS], plus one point so interpolation never reads past the end. */
    private static final double[] TABLE = new double[(int) (LIMIT * STEPS) + 2];

    static {
        for (int k = 0; k < TABLE.length; k++) {
            TABLE[k] = Math.exp(-(double) k / STEPS);
        }
    }

    private Decay() {
    }

    /** About {@code exp(-x)}; 1 for x at or below 0, 0 from x = 16 on. */
    static double expNeg(double x) {
        if (!(x > 0.0)) {
            return 1.0;
        }
        if (x < SMALL) {
            return 1.0 - x * (1.0 - x * 0.5); // Horner form of 1 - x + x*x/2
        }
        if (x >= LIMIT) {
            return 0.0;
        }
        double pos = x * STEPS;
        int k = (int) pos;
        double frac = pos - k;
        double a = TABLE[k];
        return a + (TABLE[k + 1] - a) * frac;
    }
}
