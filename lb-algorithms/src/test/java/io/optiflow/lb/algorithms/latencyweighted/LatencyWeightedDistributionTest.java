package io.optiflow.lb.algorithms.latencyweighted;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.SeededRandom;
import io.optiflow.lb.testkit.TestBackends;
import io.optiflow.lb.testkit.TestContexts;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Seeded distribution: a ring of requests kept in flight, one started and the oldest finished per millisecond of
 * hand-moved time. The full scenarios (closed and open loop, queues) are in lb-bench's simulator.
 */
class LatencyWeightedDistributionTest {

    private static final int PICKS = 20_000;
    private static final int IN_FLIGHT = 8;

    /** Share of picks per backend, in percent, for backends with these per-request latencies (ms). */
    private static double[] shares(long seed, long... latencyMillis) {
        LatencyWeightedProvider p = new LatencyWeightedProvider();
        ManualTicker ticker = new ManualTicker();
        Strategy s = p.newStrategy(p.parseConfig(Map.of()).config(),
                TestContexts.context(ticker, new SeededRandom(seed)));
        BackendSet set = TestBackends.of(latencyMillis.length);
        Picker picker = s.update(set);
        LoadFeedback fb = s.feedback();
        Backend[] ring = new Backend[IN_FLIGHT];
        int[] counts = new int[set.size()];
        for (int i = 0; i < PICKS; i++) {
            int slot = i % IN_FLIGHT;
            if (ring[slot] != null) {
                Backend done = ring[slot];
                fb.onComplete(done, latencyMillis[set.indexOf(done.id())] * 1_000_000L, Outcome.SUCCESS);
            }
            PickResult r = picker.pick(RequestContext.EMPTY);
            Backend b = r.backend();
            fb.onStart(b);
            ring[slot] = b;
            counts[set.indexOf(b.id())]++;
            ticker.advanceMillis(1);
        }
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            shares[i] = 100.0 * counts[i] / PICKS;
        }
        return shares;
    }

    @Test
    void pick_equalBackends_evenSharesWithinTwoPoints() {
        double[] shares = shares(7, 10, 10, 10, 10);
        for (double share : shares) {
            assertTrue(Math.abs(share - 25.0) <= 2.0, () -> "shares " + Arrays.toString(shares)
                    + " (expected: each 25% +- 2 points)");
        }
    }

    @Test
    void pick_oneBackendFourTimesSlower_getsUnderHalfItsFairShare() {
        double[] shares = shares(7, 10, 10, 10, 40);
        // Seed 7 gives about 30.5 / 30.5 / 30.4 / 8.6: in-flight counts still send the slow one some traffic.
        for (int i = 0; i < 3; i++) {
            double share = shares[i];
            assertTrue(Math.abs(share - 30.5) <= 2.0, () -> "fast shares " + Arrays.toString(shares)
                    + " (expected: each of the three fast ones 30.5% +- 2 points)");
        }
        assertTrue(shares[3] < 12.5, () -> "slow share " + shares[3] + "% (expected: under half of a fair 25%)");
    }
}
