package io.optiflow.lb.algorithms.latencyweighted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.algorithms.support.PairDraws;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.ScriptedRandom;
import io.optiflow.lb.testkit.TestBackends;
import io.optiflow.lb.testkit.TestContexts;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exact picks under scripted draws and a hand-moved ticker. Draw order per pick: [exploration double], then one
 * {@code nextLong()} for both candidates, then one {@code nextInt} per candidate replaced because it is slow. Tests
 * state the candidates as the two draws they stand for (first in {@code [0, n)}, second in {@code [0, n - 1)} over
 * the others, see {@link PairDraws}), over three backends unless the test says how many.
 */
class LatencyWeightedPickTest {

    private static final long MS = 1_000_000L;

    private final ManualTicker ticker = new ManualTicker();
    private final ScriptedRandom random = new ScriptedRandom();
    private final Backend b1 = TestBackends.backend(1);
    private final Backend b2 = TestBackends.backend(2);
    private final Backend b3 = TestBackends.backend(3);

    /**
     * A strategy with decay 10s (the figures in the comments assume it), the slow-backend rule off (these tests
     * are about the cost; the rule has its own below) and {@code raw} on top.
     */
    private Strategy strategy(Map<String, String> raw) {
        Map<String, String> config = new HashMap<>(Map.of("decay", "10s", "slow-ratio", "0"));
        config.putAll(raw);
        LatencyWeightedProvider p = new LatencyWeightedProvider();
        return p.newStrategy(p.parseConfig(config).config(), TestContexts.context(ticker, random));
    }

    private static void complete(LoadFeedback fb, Backend b, long latencyMillis, Outcome outcome) {
        fb.onStart(b);
        fb.onComplete(b, latencyMillis * MS, outcome);
    }

    private PickResult pick(Picker picker, int first, int second) {
        pair(first, second);
        return picker.pick(RequestContext.EMPTY);
    }

    /** A pick over {@code n} backends with these two draws. */
    private PickResult pick(Picker picker, int n, int first, int second) {
        random.thenLongs(PairDraws.of(n, first, second));
        return picker.pick(RequestContext.EMPTY);
    }

    /** Scripts the one draw that gives these two candidates among three backends. */
    private ScriptedRandom pair(int first, int second) {
        return random.thenLongs(PairDraws.of(3, first, second));
    }

    @Test
    void pick_slowBackend_avoidedInEveryPairItIsIn() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 100, Outcome.SUCCESS);
        complete(fb, b2, 10, Outcome.SUCCESS);
        complete(fb, b3, 10, Outcome.SUCCESS);

        assertEquals(b2, pick(picker, 0, 0)); // b1 vs b2
        assertEquals(b3, pick(picker, 0, 1)); // b1 vs b3
        assertEquals(b2, pick(picker, 1, 0)); // b2 vs b1
        assertEquals(b3, pick(picker, 2, 0)); // b3 vs b1
    }

    @Test
    void pick_inFlightMultipliesCost_busyFastBackendLosesToIdleEqualOne() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 100, Outcome.SUCCESS);
        complete(fb, b2, 10, Outcome.SUCCESS);
        complete(fb, b3, 10, Outcome.SUCCESS);
        fb.onStart(b2);
        fb.onStart(b2); // b2 costs 10 ms x 3 = 30 ms

        assertEquals(b3, pick(picker, 1, 1)); // b2 vs b3: 30 > 10
        assertEquals(b2, pick(picker, 1, 0)); // b2 vs b1: 30 < 100
        for (int i = 0; i < 9; i++) {
            fb.onStart(b2); // 10 ms x 12 = 120 ms
        }
        assertEquals(b1, pick(picker, 1, 0));
    }

    @Test
    void pick_sampleAboveAverage_replacesItAtOnce() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 100, Outcome.SUCCESS);
        for (int i = 0; i < 50; i++) {
            complete(fb, b2, 10, Outcome.SUCCESS);
            ticker.advanceMillis(10);
        }
        assertEquals(b2, pick(picker, 0, 0));
        complete(fb, b2, 500, Outcome.SUCCESS); // one peak is enough
        assertEquals(b1, pick(picker, 0, 0));
    }

    @Test
    void pick_fastFailures_countAsSlowUnderFailurePenalty() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 1, Outcome.FAILURE); // counts as 1 s
        complete(fb, b2, 10, Outcome.SUCCESS);
        assertEquals(b2, pick(picker, 0, 0));
    }

    @Test
    void pick_fastFailuresWithoutPenalty_lookFast() {
        // The same feedback with the penalty off: shows that the penalty, not the failure itself, steers.
        Strategy s = strategy(Map.of("failure-penalty", "0ns"));
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 1, Outcome.FAILURE);
        complete(fb, b2, 10, Outcome.SUCCESS);
        assertEquals(b1, pick(picker, 0, 0));
    }

    @Test
    void pick_slowOnceBackend_decaysTowardDefaultAndIsChosenAgain() {
        Strategy s = strategy(Map.of()); // default-rtt 30ms
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 1000, Outcome.SUCCESS);
        complete(fb, b2, 20, Outcome.SUCCESS);
        for (int i = 0; i < 25; i++) {
            fb.onStart(b2); // b2 busy and answering in 20 ms: 20 x 26 = 520 ms
        }
        assertEquals(b2, pick(picker, 0, 0));
        ticker.advanceMillis(5_000); // idle b1: 30 + 970 e^-0.5 = 618 ms
        complete(fb, b2, 20, Outcome.SUCCESS);
        assertEquals(b2, pick(picker, 0, 0));
        ticker.advanceMillis(3_000); // idle b1: 30 + 970 e^-0.8 = 466 ms
        complete(fb, b2, 20, Outcome.SUCCESS);
        assertEquals(b1, pick(picker, 0, 0));
    }

    @Test
    void pick_slowBackendWithRequestsInFlight_estimateDoesNotFade() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 2_000, Outcome.SUCCESS);
        fb.onStart(b1); // b1 busy with one slow request: 2 s x 2 = 4 s
        complete(fb, b2, 150, Outcome.SUCCESS);
        for (int i = 0; i < 15; i++) {
            fb.onStart(b2); // 150 ms x 16 = 2.4 s
        }
        ticker.advanceMillis(9_000); // idle, b1 would have faded to 30 + 1970 e^-0.9 = 831 ms (x 2 = 1.7 s)
        complete(fb, b2, 150, Outcome.SUCCESS); // b2 keeps answering
        assertEquals(b2, pick(picker, 0, 0));
        fb.onComplete(b1, 9_000 * MS, Outcome.SUCCESS); // now idle, at 9 s: costs 9 s
        assertEquals(b2, pick(picker, 0, 0));
    }

    @Test
    void pick_backendThatStopsAnswering_avoidedBeforeItsFirstSlowAnswer() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 10, Outcome.SUCCESS);
        complete(fb, b2, 10, Outcome.SUCCESS);
        fb.onStart(b1); // 10 x 2 = 20 ms
        for (int i = 0; i < 3; i++) {
            fb.onStart(b2); // 10 x 4 = 40 ms
        }
        assertEquals(b1, pick(picker, 0, 0));
        ticker.advanceMillis(100);
        complete(fb, b2, 10, Outcome.SUCCESS); // b2 answers; b1 has kept its request 100 ms: 100 x 2 = 200 ms
        assertEquals(b2, pick(picker, 0, 0));
    }

    @Test
    void pick_longLivedRequest_countsAtMostFailurePenalty() {
        Strategy s = strategy(Map.of("failure-penalty", "200ms"));
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 10, Outcome.SUCCESS);
        fb.onStart(b1); // a stream that stays open
        ticker.advanceMillis(60_000);
        for (int i = 0; i < 50; i++) {
            fb.onStart(b2); // b2 answers in 10 ms with 50 in flight: 10 x 51 = 510 ms
        }
        complete(fb, b2, 10, Outcome.SUCCESS);
        assertEquals(b1, pick(picker, 0, 0)); // b1: min(60 s, 200 ms) x 2 = 400 ms
    }

    @Test
    void pick_idleBackendWithoutSampleForDecay_getsOneProbe() {
        Strategy s = strategy(Map.of("decay", "1s"));
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 1000, Outcome.SUCCESS);
        complete(fb, b2, 5, Outcome.SUCCESS);
        ticker.advanceMillis(999);
        complete(fb, b2, 5, Outcome.SUCCESS);
        assertEquals(b2, pick(picker, 0, 0));
        ticker.advanceMillis(1);
        complete(fb, b2, 5, Outcome.SUCCESS); // b2 fresh and idle; b1 idle for a whole decay: probe
        assertEquals(b1, pick(picker, 0, 0));
        fb.onStart(b1); // the probe is in flight: no second probe
        assertEquals(b2, pick(picker, 0, 0));
    }

    @Test
    void feedback_ignoredCompletions_releaseSlotsAndLearnNothing() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b2, 10, Outcome.SUCCESS);
        for (int i = 0; i < 5; i++) {
            fb.onStart(b1); // handed over from the old strategy
        }
        assertEquals(b2, pick(picker, 0, 0)); // b1: 30 ms default x 6
        for (int i = 0; i < 5; i++) {
            fb.onComplete(b1, 10_000 * MS, Outcome.IGNORED);
        }
        // Idle and never sampled: b1 is probed. Had the 10 s completions been learnt, b2 would win.
        assertEquals(b1, pick(picker, 0, 0));
    }

    @Test
    void feedback_moreCompletionsThanStarts_inFlightNeverBelowZero() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b2, 10, Outcome.SUCCESS);
        fb.onComplete(b1, MS, Outcome.IGNORED); // no start: must not go to -1
        fb.onStart(b1); // so b1 is at 1, costs 30 ms x 2
        assertEquals(b2, pick(picker, 0, 0));
    }

    @Test
    void pick_weightDividesCost_heavierBackendTakesMore() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(BackendSet.of(TestBackends.backend(1, 3), b2));
        LoadFeedback fb = s.feedback();
        Backend heavy = TestBackends.backend(1, 3);
        complete(fb, heavy, 10, Outcome.SUCCESS);
        complete(fb, b2, 10, Outcome.SUCCESS);
        fb.onStart(heavy); // 10 x 2 / 3 = 6.7 ms against 10 ms
        assertEquals(heavy, pick(picker, 2, 1, 0));
        fb.onStart(heavy); // 10 x 3 / 3 = 10: a tie goes to the first draw
        assertEquals(b2, pick(picker, 2, 1, 0));
        fb.onStart(heavy); // 13.3 > 10
        assertEquals(b2, pick(picker, 2, 0, 0));
    }

    @Test
    void pick_exploration_sendsToRandomBackendWhateverItCosts() {
        Strategy s = strategy(Map.of("exploration", "0.1"));
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 10, Outcome.SUCCESS);
        complete(fb, b2, 10, Outcome.SUCCESS);
        complete(fb, b3, 900, Outcome.SUCCESS);
        random.thenDoubles(0.05).thenInts(2);
        assertEquals(b3, picker.pick(RequestContext.EMPTY));
        random.thenDoubles(0.1); // 0.1 is not below 0.1: a normal pick, b3 vs b1
        pair(2, 0);
        assertEquals(b1, picker.pick(RequestContext.EMPTY));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_tokenBucket_refillsWithTimeUpToBurst() {
        Strategy s = strategy(Map.of("rate-limit", "10", "burst", "2")); // a token per 100 ms, 2 at most
        Picker picker = s.update(BackendSet.of(b1));
        assertEquals(b1, picker.pick(RequestContext.EMPTY));
        assertEquals(b1, picker.pick(RequestContext.EMPTY));
        assertSame(Rejection.RATE_LIMITED, picker.pick(RequestContext.EMPTY));
        ticker.advanceMillis(99);
        assertSame(Rejection.RATE_LIMITED, picker.pick(RequestContext.EMPTY));
        ticker.advanceMillis(1);
        assertEquals(b1, picker.pick(RequestContext.EMPTY));
        assertSame(Rejection.RATE_LIMITED, picker.pick(RequestContext.EMPTY));
        ticker.advanceMillis(10_000); // a long pause refills only up to the burst
        assertEquals(b1, picker.pick(RequestContext.EMPTY));
        assertEquals(b1, picker.pick(RequestContext.EMPTY));
        assertSame(Rejection.RATE_LIMITED, picker.pick(RequestContext.EMPTY));
    }

    @Test
    void pick_saturatedCandidates_skippedThenRateLimitedWhenAllAre() {
        Strategy s = strategy(Map.of("rate-limit", "1", "burst", "1"));
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 5, Outcome.SUCCESS);
        complete(fb, b2, 50, Outcome.SUCCESS);
        complete(fb, b3, 500, Outcome.SUCCESS);
        assertEquals(b1, pick(picker, 0, 0)); // b1 vs b2: b1 is cheaper and has its token
        assertEquals(b2, pick(picker, 0, 0)); // b1 is out of tokens: the other candidate
        assertEquals(b3, pick(picker, 0, 0)); // both out: the scan finds b3
        assertSame(Rejection.RATE_LIMITED, pick(picker, 1, 1));
        ticker.advanceMillis(1_000);
        assertEquals(b1, pick(picker, 2, 0)); // refilled: b3 vs b1, b1 cheaper
    }

    @Test
    void update_sameSnapshot_keepsPickerAndState() {
        Strategy s = strategy(Map.of());
        Picker first = s.update(TestBackends.of(3));
        assertSame(first, s.update(TestBackends.of(3)));
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 100, Outcome.SUCCESS);
        complete(fb, b2, 10, Outcome.SUCCESS);
        Picker second = s.update(BackendSet.of(b1, b2, TestBackends.backend(4)));
        assertEquals(b2, pick(second, 0, 0)); // the estimates outlived the snapshot
    }

    @Test
    void feedback_backendRemovedWithRequestsInFlight_slotsStillReleased() {
        Strategy s = strategy(Map.of());
        s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b2, 10, Outcome.SUCCESS);
        fb.onStart(b1);
        fb.onStart(b1);
        s.update(BackendSet.of(b2, b3)); // b1 leaves with two requests in flight
        fb.onComplete(b1, 10 * MS, Outcome.IGNORED);
        fb.onComplete(b1, 10 * MS, Outcome.IGNORED);
        Picker back = s.update(TestBackends.of(3)); // b1 returns idle and unmeasured: probed
        assertEquals(b1, pick(back, 0, 0));
    }

    /** b1 answered in 10 ms at 0 ms, b2 in 300 ms at 200 ms (idle there, it costs 300 ms); the ticker at 200 ms. */
    private void b1FastAt0AndB2SlowAt200(LoadFeedback fb) {
        complete(fb, b1, 10, Outcome.SUCCESS);
        ticker.advanceMillis(200);
        complete(fb, b2, 300, Outcome.SUCCESS);
    }

    @Test
    void feedback_startWithTheCallersTime_waitingCountedFromThatTime() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        b1FastAt0AndB2SlowAt200(fb);
        fb.onStart(b1, 0L); // the caller read its clock at 0 ms, before its pick; the ticker says 200 ms
        // b1 has waited 200 ms: 200 x 2 = 400 ms > 300 ms (dated by the ticker it would cost 10 x 2 = 20 ms)
        assertEquals(b2, pick(picker, 0, 0));
    }

    @Test
    void feedback_startWithoutTime_datedByTheTicker() {
        Strategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        b1FastAt0AndB2SlowAt200(fb);
        fb.onStart(b1); // the older form (a plug-in caller, a test): the strategy reads its ticker, 200 ms
        assertEquals(b1, pick(picker, 0, 0)); // 10 x 2 = 20 ms < 300 ms
        ticker.advanceMillis(150); // b1 has waited 150 ms: 150 x 2 = 300 ms; b2 decayed a little below 300
        assertEquals(b2, pick(picker, 0, 0));
    }

    // ------------------------------------------------------------------ a backend far slower than the others

    /** b1 answers in 20 ms, b2 and b3 in 1 ms but carry 30 requests each: by cost alone b1 (20) beats 1 x 31. */
    private LoadFeedback slowB1AndBusyFastOnes(Strategy s) {
        LoadFeedback fb = s.feedback();
        complete(fb, b1, 20, Outcome.SUCCESS);
        complete(fb, b2, 1, Outcome.SUCCESS);
        complete(fb, b3, 1, Outcome.SUCCESS);
        for (int i = 0; i < 30; i++) {
            fb.onStart(b2);
            fb.onStart(b3);
        }
        return fb;
    }

    @Test
    void pick_farSlowerBackend_replacedByOneNotSlowUntilItsProbeIsDue() {
        Strategy s = strategy(Map.of("slow-ratio", "5", "slow-margin", "5ms", "probe-interval", "250ms"));
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = slowB1AndBusyFastOnes(s);
        ticker.advanceMillis(10); // the split is worked out again: b1 (20 ms) is above max(5 x 1, 1 + 5) ms

        pair(0, 0).thenInts(1); // b1 vs b2; b1 is replaced by the second not-slow backend, b3
        assertEquals(b3, picker.pick(RequestContext.EMPTY)); // b3 vs b2 tie: the first
        assertEquals(0, random.remaining());

        ticker.advanceMillis(250); // no answer from b1 for 260 ms, and it is idle: its probe is due
        assertEquals(b1, pick(picker, 0, 0));
        fb.onStart(b1); // the probe is in flight: no second one
        pair(0, 0).thenInts(0);
        assertEquals(b2, picker.pick(RequestContext.EMPTY));
    }

    @Test
    void pick_probeDroppedByTheCaller_noSecondProbeUntilTheIntervalThenOneAgain() {
        Strategy s = strategy(Map.of("slow-ratio", "5", "slow-margin", "5ms", "probe-interval", "250ms"));
        Picker picker = s.update(TestBackends.of(3));
        slowB1AndBusyFastOnes(s);
        ticker.advanceMillis(260); // the split finds b1 slow; no answer from it for 260 ms and it is idle
        assertEquals(b1, pick(picker, 0, 0)); // the probe, which the caller never starts (it chose again)
        pair(0, 0).thenInts(0); // not started, yet no second probe: b1 is replaced by the first not-slow, b2
        assertEquals(b2, picker.pick(RequestContext.EMPTY));
        ticker.advanceMillis(249);
        pair(0, 0).thenInts(0);
        assertEquals(b2, picker.pick(RequestContext.EMPTY));
        ticker.advanceMillis(1); // a probe-interval after the dropped one: the next probe goes
        assertEquals(b1, pick(picker, 0, 0));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_backendSlowSinceASplitThatFoundNoneSlow_replacedFromTheNextSplitOn() {
        Strategy s = strategy(Map.of("slow-ratio", "5", "slow-margin", "5ms", "probe-interval", "250ms"));
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = s.feedback();
        complete(fb, b2, 1, Outcome.SUCCESS);
        complete(fb, b3, 1, Outcome.SUCCESS);
        assertEquals(b2, pick(picker, 1, 1)); // b2 vs b3; this pick's split finds none slow (b1 has no sample yet)
        slowB1AndBusyFastOnes(s); // b1 answers in 20 ms now: above max(5 x 1, 1 + 5) ms
        // Until the next split (at most 10 ms) picks do not check for slow backends: cost alone, 20 x 1 < 1 x 31.
        assertEquals(b1, pick(picker, 0, 0));
        ticker.advanceMillis(10);
        pair(0, 0).thenInts(1); // b1 vs b2: the split finds b1 slow, so it is replaced by the second not-slow, b3
        assertEquals(b3, picker.pick(RequestContext.EMPTY));
        assertEquals(0, random.remaining());
    }

    @Test
    void pick_slowRuleOff_costAloneLetsTheSlowBackendWin() {
        Strategy s = strategy(Map.of("slow-ratio", "0"));
        Picker picker = s.update(TestBackends.of(3));
        slowB1AndBusyFastOnes(s);
        ticker.advanceMillis(10);
        assertEquals(b1, pick(picker, 0, 0)); // 20 ms x 1 < 1 ms x 31
    }

    @Test
    void pick_slowBackendThatGotFast_winsItsShareBackWithinSeconds() {
        Strategy s = strategy(Map.of("decay", "2s", "slow-ratio", "5", "slow-margin", "5ms",
                "probe-interval", "250ms"));
        Picker picker = s.update(TestBackends.of(3));
        LoadFeedback fb = slowB1AndBusyFastOnes(s);
        // From now on b1 answers in 1 ms, like the others; it gets only probes until its average says so.
        int probes = 0;
        int back = -1;
        for (int t = 1; t <= 40 && back < 0; t++) {
            ticker.advanceMillis(250);
            complete(fb, b2, 1, Outcome.SUCCESS);
            complete(fb, b3, 1, Outcome.SUCCESS);
            assertEquals(b1, pick(picker, 0, 0), "b1's probe is due (or it won on cost)");
            fb.onStart(b1);
            fb.onComplete(b1, MS, Outcome.SUCCESS);
            // It just answered, so no probe is due: still slow, it is replaced (third draw: b3); else it wins.
            pair(0, 0).thenInts(1);
            PickResult r = picker.pick(RequestContext.EMPTY);
            if (b1.equals(r)) {
                back = t;
            } else {
                assertEquals(b3, r);
                probes++;
            }
        }
        assertTrue(probes >= 4, "slow for at least a second first: " + probes + " probes");
        assertTrue(back > 0 && back * 250 <= 5_000, "back within 5 s: " + (back * 250) + " ms");
    }

    @Test
    void pick_contextCarriesTime_usedInsteadOfTheTicker() {
        Strategy s = strategy(Map.of("slow-ratio", "5", "probe-interval", "250ms"));
        Picker picker = s.update(TestBackends.of(3));
        slowB1AndBusyFastOnes(s);
        ticker.advanceMillis(10);
        // The ticker says 10 ms (no probe due); the caller's reading says 300 ms: the probe goes.
        pair(0, 0);
        assertEquals(b1, picker.pick(new RequestContext() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/";
            }

            @Override
            public long hashKey() {
                return 0;
            }

            @Override
            public long nowNanos() {
                return 300 * MS;
            }
        }));
    }
}
