package io.optiflow.lb.algorithms.latencyweighted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecayTest {

    @Test
    void expNeg_fineGridOverTheTable_withinRelativeErrorOfMathExp() {
        double worst = 0.0;
        for (int i = 0; i < 16 * 4096; i++) {
            double x = i / 4096.0 + 1e-7;
            double exact = Math.exp(-x);
            worst = Math.max(worst, Math.abs(Decay.expNeg(x) - exact) / exact);
        }
        double w = worst;
        assertTrue(w < 3.1e-5, () -> "worst relative error " + w + " (expected: below 3.1e-5)");
        assertTrue(w > 1e-6, () -> "worst relative error " + w + ": not interpolated? (expected: above 1e-6)");
    }

    @Test
    void expNeg_increasingX_neverIncreases() {
        double prev = Decay.expNeg(0.0);
        for (int i = 1; i <= 17 * 10_000; i++) {
            double v = Decay.expNeg(i / 10_000.0);
            int step = i;
            double before = prev;
            assertTrue(v <= before, () -> "exp(-" + step / 10_000.0 + ") = " + v + " above " + before);
            prev = v;
        }
    }

    @Test
    void expNeg_belowTheFirstStep_seriesWithinItsBoundOfMathExp() {
        double step = 1.0 / 64;
        for (int i = 1; i < 10_000; i++) {
            double x = step * i / 10_000;
            double exact = Math.exp(-x);
            double v = Decay.expNeg(x);
            double bound = x * x * x / 6 * 1.01 + 1e-16;
            assertTrue(v >= exact - 1e-16 && v - exact <= bound,
                    () -> "exp(-" + x + ") = " + v + " (Math.exp: " + exact + ", allowed above it: " + bound + ")");
        }
        // across the switch to the table: never up
        double below = Decay.expNeg(Math.nextDown(step));
        double at = Decay.expNeg(step);
        assertTrue(at <= below, () -> "at the first step " + at + " above just before it " + below);
        assertEquals(Math.exp(-step), at, 1e-15); // the table's exact point
        // and the usual argument on the request path: a sample 100 microseconds after the last, decay 2 s
        assertEquals(Math.exp(-5e-5), Decay.expNeg(5e-5), 1e-13); // over by x^3/6 = 2e-14
    }

    @Test
    void expNeg_edges_oneAtOrBelowZeroZeroFromSixteen() {
        assertEquals(1.0, Decay.expNeg(0.0));
        assertEquals(1.0, Decay.expNeg(-3.0));
        assertEquals(1.0, Decay.expNeg(Double.NaN));
        assertEquals(Math.exp(-1.0), Decay.expNeg(1.0), 1e-15); // a table point is exact
        assertEquals(0.0, Decay.expNeg(16.0));
        assertEquals(0.0, Decay.expNeg(1e300));
        assertTrue(Decay.expNeg(15.999) > 0.0);
    }
}
