package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.ScriptedRandom;
import io.optiflow.lb.testkit.SeededRandom;
import io.optiflow.lb.testkit.TestBackends;
import io.optiflow.lb.testkit.TestContexts;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exact pick sequences: the random draws are scripted ({@link ScriptedRandom}: every draw the picker makes must be
 * scripted, in order, or the test fails loudly) and time moves only by hand ({@link ManualTicker}: no sleeps).
 * Then a distribution check with a fixed seed and a stated tolerance.
 */
class ${classPrefix}StrategyTest {

    private static final Backend B1 = TestBackends.backend(1);
    private static final Backend B4 = TestBackends.backend(4);

    private final ${classPrefix}Provider provider = new ${classPrefix}Provider();
    private final ManualTicker ticker = new ManualTicker();

    private Strategy strategy(RandomSource random) {
        return provider.newStrategy(provider.parseConfig(Map.of()).config(), TestContexts.context(ticker, random));
    }

    private static String pick(Picker picker) {
        return picker.pick(RequestContext.EMPTY).backend().id();
    }

    @Test
    void pick_secondDrawLessLoaded_picksTheSecond() {
        // two draws per pick: nextInt(4) = 0 is b0001; nextInt(3) over the other three = 2 is b0004
        ScriptedRandom random = ScriptedRandom.ints(0, 2);
        Strategy s = strategy(random);
        Picker picker = s.update(TestBackends.of(4));
        s.feedback().onStart(B1); // b0001 has a request in flight, b0004 none
        assertEquals("b0004", pick(picker));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_equallyLoaded_firstDrawWins() {
        Picker picker = strategy(ScriptedRandom.ints(3, 0)).update(TestBackends.of(4));
        assertEquals("b0004", pick(picker));
    }

    @Test
    void pick_afterFailure_passedOverUntilTheBackoffEnds() {
        // each pick draws b0001 and b0004 (0, 2); while b0001 is passed over a third draw (a double) decides
        // whether this pick probes it: 0.9 is not below the default probe share 0.05, so no probe
        ScriptedRandom random = ScriptedRandom.ints(0, 2, 0, 2, 0, 2).thenDoubles(0.9, 0.9);
        Strategy s = strategy(random);
        Picker picker = s.update(TestBackends.of(4));
        LoadFeedback fb = s.feedback();
        fb.onStart(B1);
        fb.onComplete(B1, 1_000_000L, Outcome.FAILURE);

        assertEquals("b0004", pick(picker));
        ticker.advanceMillis(4_999);
        fb.onStart(B4); // b0004 now busier: still chosen, b0001 is passed over
        assertEquals("b0004", pick(picker));
        ticker.advanceMillis(1); // 5 s after the failure: b0001 is back, and less loaded
        assertEquals("b0001", pick(picker)); // and no third draw: neither is passed over
        assertEquals(0, random.remaining(), "every scripted draw taken");
    }

    @Test
    void feedback_theProxysFormWithTheEndTime_datesTheFailureByIt() {
        // the proxy passes the clock reading it took at the end: the backoff counts from it, not from the ticker
        ScriptedRandom random = ScriptedRandom.ints(0, 2, 0, 2).thenDoubles(0.9);
        Strategy s = strategy(random);
        Picker picker = s.update(TestBackends.of(4));
        LoadFeedback fb = s.feedback();
        long endedAt = ticker.read() - 2_000_000_000L; // the failure ended 2 s before the ticker's now
        fb.onStart(B1, endedAt - 1_000_000L);
        fb.onComplete(B1, 1_000_000L, Outcome.FAILURE, endedAt);

        assertEquals("b0004", pick(picker)); // 2 s into the 5 s backoff: passed over
        ticker.advanceMillis(3_000); // 5 s after the reading passed, only 3 s by the ticker
        assertEquals("b0001", pick(picker));
        assertEquals(0, random.remaining(), "every scripted draw taken");
    }

    @Test
    void pick_probeDrawBelowTheShare_givesTheFailedBackendARequest() {
        ScriptedRandom random = ScriptedRandom.ints(0, 2).thenDoubles(0.01);
        Strategy s = strategy(random);
        Picker picker = s.update(TestBackends.of(4));
        s.feedback().onStart(B1);
        s.feedback().onComplete(B1, 1_000_000L, Outcome.FAILURE);
        assertEquals("b0001", pick(picker)); // probed: compared as usual, and the tie goes to the first draw
    }

    @Test
    void feedback_successAfterFailure_clearsThePenalty() {
        Strategy s = strategy(ScriptedRandom.ints(0, 2));
        Picker picker = s.update(TestBackends.of(4));
        s.feedback().onStart(B1);
        s.feedback().onComplete(B1, 1_000_000L, Outcome.FAILURE);
        s.feedback().onStart(B1);
        s.feedback().onComplete(B1, 1_000_000L, Outcome.SUCCESS);
        assertEquals("b0001", pick(picker)); // no third draw: neither is passed over
    }

    @Test
    void feedback_ignoredOutcome_releasesTheSlot() {
        ${classPrefix}Strategy s = (${classPrefix}Strategy) strategy(new SeededRandom(1));
        s.update(TestBackends.of(2));
        s.onStart(B1);
        s.onComplete(B1, 0L, Outcome.IGNORED);
        assertEquals(0, s.inFlight("b0001"));
    }

    @Test
    void feedback_completionWithoutStart_neverBelowZero() {
        ${classPrefix}Strategy s = (${classPrefix}Strategy) strategy(new SeededRandom(1));
        s.update(TestBackends.of(2));
        s.onComplete(B1, 0L, Outcome.SUCCESS);
        s.onStart(B1);
        assertEquals(1, s.inFlight("b0001"));
    }

    @Test
    void update_backendLeavesWithRequestsInFlight_keepsItsCountWhenItComesBack() {
        ${classPrefix}Strategy s = (${classPrefix}Strategy) strategy(new SeededRandom(1));
        s.update(TestBackends.of(3));
        s.onStart(B1);
        s.update(BackendSet.of(TestBackends.backend(2), TestBackends.backend(3)));
        s.update(TestBackends.of(3));
        assertEquals(1, s.inFlight("b0001"));
    }

    @Test
    void update_empty_noBackendPicker() {
        assertSame(Picker.NO_BACKEND, strategy(new SeededRandom(1)).update(BackendSet.empty()));
    }

    @Test
    void pick_seededRandomRequestsEndingAtOnce_eachBackendWithin10PercentOfAnEqualShare() {
        Strategy s = strategy(new SeededRandom(42));
        Picker picker = s.update(TestBackends.of(5));
        LoadFeedback fb = s.feedback();
        int[] counts = new int[5];
        int picks = 50_000;
        for (int i = 0; i < picks; i++) {
            Backend b = picker.pick(RequestContext.EMPTY).backend();
            counts[Integer.parseInt(b.id().substring(1)) - 1]++;
            fb.onStart(b);
            fb.onComplete(b, 1_000_000L, Outcome.SUCCESS);
        }
        for (int c : counts) {
            double share = (double) c / picks;
            assertTrue(Math.abs(share - 0.2) <= 0.02, () -> "share " + share + " of " + Arrays.toString(counts)
                    + " (expected: 0.2 +- 10%)");
        }
    }
}
