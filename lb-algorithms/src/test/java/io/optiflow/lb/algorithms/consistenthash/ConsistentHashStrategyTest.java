package io.optiflow.lb.algorithms.consistenthash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.testkit.TestBackends;
import io.optiflow.lb.testkit.TestContexts;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsistentHashStrategyTest {

    private static final int KEYS = 10_000;
    private static final RequestContext HOT = RequestContext.of("/hot", RequestContext.hash("the-hot-key"));

    private static ConsistentHashStrategy strategy(Map<String, String> raw) {
        ConsistentHashProvider p = new ConsistentHashProvider();
        return (ConsistentHashStrategy) p.newStrategy(p.parseConfig(raw).config(), TestContexts.seeded(7));
    }

    private static RequestContext key(int i) {
        return RequestContext.of("/k", RequestContext.hash("user-" + i));
    }

    /** Where each of the {@link #KEYS} keys goes, with no load (bounded load never binds on an idle ring). */
    private static String[] route(Picker picker) {
        String[] ids = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            ids[i] = picker.pick(key(i)).backend().id();
        }
        return ids;
    }

    @Test
    void pick_sameKey_sameBackendAcrossPicksAndStrategyInstances() {
        BackendSet set = TestBackends.of(10);
        String[] first = route(strategy(Map.of()).update(set));
        String[] again = route(strategy(Map.of()).update(set)); // a restart, or another replica of the balancer
        assertEquals(java.util.Arrays.asList(first), java.util.Arrays.asList(again));
        Picker picker = strategy(Map.of()).update(set);
        for (int i = 0; i < 100; i++) {
            assertEquals(first[i], picker.pick(key(i)).backend().id());
            assertEquals(first[i], picker.pick(key(i)).backend().id());
        }
    }

    @Test
    void update_oneOfTenRemoved_onlyItsKeysMoveAboutOneTenth() {
        ConsistentHashStrategy s = strategy(Map.of());
        BackendSet ten = TestBackends.of(10);
        String[] before = route(s.update(ten));
        String leaving = TestBackends.backend(4).id();
        String[] after = route(s.update(ten.without(leaving)));
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            if (before[i].equals(leaving)) {
                moved++;
                assertNotEquals(leaving, after[i]);
            } else {
                int k = i;
                assertEquals(before[i], after[i], () -> "key " + k + " of a staying backend moved");
            }
        }
        double fraction = moved / (double) KEYS;
        assertTrue(fraction > 0.07 && fraction < 0.13, () -> "moved fraction " + fraction + " (expected: 0.1 +- 0.03)");
    }

    @Test
    void update_eleventhAdded_aboutOneEleventhMoveAllToTheNewcomer() {
        ConsistentHashStrategy s = strategy(Map.of());
        String[] before = route(s.update(TestBackends.of(10)));
        String[] after = route(s.update(TestBackends.of(11)));
        String newcomer = TestBackends.backend(11).id();
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            if (!before[i].equals(after[i])) {
                moved++;
                assertEquals(newcomer, after[i], "a key moved between two old backends");
            }
        }
        double fraction = moved / (double) KEYS;
        assertTrue(fraction > 0.06 && fraction < 0.12,
                () -> "moved fraction " + fraction + " (expected: 1/11 = 0.091 +- 0.03)");
    }

    @Test
    void pick_weights1to4_keyShareWithin15PercentOfWeightShare() {
        BackendSet set = TestBackends.weighted(1, 2, 3, 4);
        String[] routed = route(strategy(Map.of()).update(set));
        Map<String, Integer> counts = new HashMap<>();
        for (String id : routed) {
            counts.merge(id, 1, Integer::sum);
        }
        for (Backend b : set.backends()) {
            double expected = b.weight() / 10.0;
            double actual = counts.getOrDefault(b.id(), 0) / (double) KEYS;
            assertTrue(Math.abs(actual - expected) <= 0.15 * expected,
                    () -> b.id() + " share " + actual + " (expected: " + expected + " +- 15%); all: " + counts);
        }
    }

    @Test
    void pick_hotKey_overflowSpillsToOtherBackendsAndNoneExceedsTheBound() {
        ConsistentHashStrategy s = strategy(Map.of()); // load-factor 1.25
        BackendSet set = TestBackends.of(10);
        Picker picker = s.update(set);
        Backend home = picker.pick(HOT).backend();
        Map<String, Integer> inFlight = new HashMap<>();
        for (int k = 1; k <= 100; k++) {
            Backend b = picker.pick(HOT).backend();
            s.feedback().onStart(b);
            inFlight.merge(b.id(), 1, Integer::sum);
            long bound = (long) Math.ceil(1.25 * k / 10); // k requests in flight, 10 equal backends
            for (Map.Entry<String, Integer> e : inFlight.entrySet()) {
                int kk = k;
                assertTrue(e.getValue() <= bound, () -> e.getKey() + " has " + e.getValue() + " in flight after "
                        + kk + " requests (expected: at most ceil(1.25 * " + kk + " / 10) = " + bound + ")");
            }
        }
        assertEquals(13, inFlight.get(home.id()), "the key's own backend should be filled up to its bound");
        assertTrue(inFlight.size() >= 8, () -> "100 requests at <= 13 each need >= 8 backends: " + inFlight);
        assertEquals(100, s.totalInFlight());
    }

    @Test
    void pick_hotKeyAfterLoadDrains_backHome() {
        ConsistentHashStrategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(10));
        Backend home = picker.pick(HOT).backend();
        Backend[] started = new Backend[50];
        for (int i = 0; i < started.length; i++) {
            started[i] = picker.pick(HOT).backend();
            s.feedback().onStart(started[i]);
        }
        assertNotEquals(home, picker.pick(HOT).backend(), "home is at its bound, the next request must spill");
        for (Backend b : started) {
            s.feedback().onComplete(b, 1_000_000L, Outcome.SUCCESS);
        }
        assertEquals(0, s.totalInFlight());
        assertSame(home, picker.pick(HOT).backend());
    }

    @Test
    void pick_loadFactorHigher_hotKeyKeepsMoreOfItsRequestsHome() {
        assertEquals(3, homeShareOf20HotRequests("1.25"), "bound ceil(1.25 * 20 / 10) = 3");
        assertEquals(10, homeShareOf20HotRequests("5"), "bound ceil(5 * 20 / 10) = 10");
    }

    private static int homeShareOf20HotRequests(String loadFactor) {
        ConsistentHashStrategy s = strategy(Map.of("load-factor", loadFactor));
        Picker picker = s.update(TestBackends.of(10));
        Backend home = picker.pick(HOT).backend();
        for (int k = 1; k <= 20; k++) {
            s.feedback().onStart(picker.pick(HOT).backend());
        }
        return s.inFlight(home.id());
    }

    @Test
    void feedback_ignoredOutcome_releasesTheSlot() {
        ConsistentHashStrategy s = strategy(Map.of());
        Picker picker = s.update(TestBackends.of(3));
        Backend b = picker.pick(HOT).backend();
        s.feedback().onStart(b);
        s.feedback().onStart(b);
        s.feedback().onComplete(b, 0L, Outcome.IGNORED);
        s.feedback().onComplete(b, 5_000_000L, Outcome.FAILURE);
        assertEquals(0, s.inFlight(b.id()));
        assertEquals(0, s.totalInFlight());
    }

    @Test
    void feedback_handoverSeededByOnStartThenIgnored_countsThenReleases() {
        // The core seeds a new strategy with the old one's in-flight requests (onStart once each after the first
        // update), and reports each as IGNORED when it ends.
        BackendSet set = TestBackends.of(4);
        ConsistentHashStrategy next = strategy(Map.of());
        Picker picker = next.update(set);
        Backend busy = set.get(0);
        for (int i = 0; i < 30; i++) {
            next.feedback().onStart(busy);
        }
        assertEquals(30, next.inFlight(busy.id()));
        // busy holds 30 of 31 with a bound of ceil(1.25 * 31 / 4) = 10: no key may go there now
        for (int i = 0; i < 1_000; i++) {
            assertNotEquals(busy, picker.pick(key(i)).backend());
        }
        for (int i = 0; i < 30; i++) {
            next.feedback().onComplete(busy, 0L, Outcome.IGNORED);
        }
        assertEquals(0, next.inFlight(busy.id()));
        Set<Backend> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            seen.add(picker.pick(key(i)).backend());
        }
        assertTrue(seen.contains(busy), "released slots: the backend gets keys again");
    }

    @Test
    void feedback_completeWithoutStart_neverGoesNegative() {
        ConsistentHashStrategy s = strategy(Map.of());
        s.update(TestBackends.of(2));
        Backend b = TestBackends.backend(1);
        s.feedback().onComplete(b, 0L, Outcome.IGNORED);
        assertEquals(0, s.inFlight(b.id()));
        assertEquals(0, s.totalInFlight());
        s.feedback().onStart(b);
        assertEquals(1, s.inFlight(b.id()));
    }

    @Test
    void feedback_unknownBackend_countsNothing() {
        ConsistentHashStrategy s = strategy(Map.of());
        s.update(TestBackends.of(2));
        Backend stranger = TestBackends.backend(9);
        s.feedback().onStart(stranger);
        assertEquals(0, s.inFlight(stranger.id()));
        assertEquals(0, s.totalInFlight());
    }

    @Test
    void update_backendLeavesWithRequestsInFlight_countOutlivesTheSnapshot() {
        ConsistentHashStrategy s = strategy(Map.of());
        BackendSet three = TestBackends.of(3);
        s.update(three);
        Backend b1 = TestBackends.backend(1);
        for (int i = 0; i < 3; i++) {
            s.feedback().onStart(b1);
        }
        s.update(three.without(b1.id()));
        assertEquals(3, s.inFlight(b1.id()), "still running requests keep their slots");
        s.update(three); // back before they finished: it resumes with its true count
        assertEquals(3, s.inFlight(b1.id()));
        s.update(three.without(b1.id()));
        for (int i = 0; i < 3; i++) {
            s.feedback().onComplete(b1, 1_000L, Outcome.SUCCESS);
        }
        assertEquals(0, s.inFlight(b1.id()));
        assertEquals(0, s.totalInFlight());
    }

    @Test
    void feedback_manyThreadsHotKeyWhileSnapshotsChange_countsReturnToZero() throws Exception {
        ConsistentHashStrategy s = strategy(Map.of());
        BackendSet ten = TestBackends.of(10);
        BackendSet nine = ten.without(TestBackends.backend(3).id());
        java.util.concurrent.atomic.AtomicReference<Picker> current = new java.util.concurrent.atomic.AtomicReference<>(
                s.update(ten));
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int seed = t;
            threads[t] = new Thread(() -> {
                try {
                    Backend[] held = new Backend[8]; // each thread keeps up to 8 requests open, hot key and others
                    for (int i = 0; i < 20_000; i++) {
                        int slot = i & 7;
                        if (held[slot] != null) {
                            s.feedback().onComplete(held[slot], 1_000L,
                                    i % 5 == 0 ? Outcome.IGNORED : Outcome.SUCCESS);
                        }
                        RequestContext ctx = (i + seed) % 3 == 0 ? key(i) : HOT;
                        held[slot] = current.get().pick(ctx).backend();
                        s.feedback().onStart(held[slot]);
                    }
                    for (Backend b : held) {
                        if (b != null) {
                            s.feedback().onComplete(b, 1_000L, Outcome.SUCCESS);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads[t].start();
        }
        for (int i = 0; i < 200; i++) {
            current.set(s.update(i % 2 == 0 ? nine : ten)); // the one writer; b0003 leaves and comes back
        }
        for (Thread t : threads) {
            t.join(60_000);
            assertTrue(!t.isAlive(), "worker did not finish within 60 s");
        }
        assertTrue(errors.isEmpty(), () -> "workers failed: " + errors);
        // an update with nothing racing it leaves exact counts (it corrects drift from requests that raced a prune)
        s.update(nine);
        s.update(ten);
        for (Backend b : ten.backends()) {
            assertEquals(0, s.inFlight(b.id()), () -> b.id() + " still counts requests that all ended");
        }
        assertEquals(0, s.totalInFlight());
    }

    @Test
    void update_sameSnapshot_samePicker() {
        ConsistentHashStrategy s = strategy(Map.of());
        Picker first = s.update(TestBackends.of(5));
        assertSame(first, s.update(TestBackends.of(5)));
        assertSame(Picker.NO_BACKEND, s.update(BackendSet.empty()));
    }

    @Test
    void ring_weightAwareAndCapped_everyBackendKeepsAPoint() {
        assertEquals(160 * 10, HashRing.build(TestBackends.weighted(1, 2, 3, 4), 160, 262_144).size());
        BackendSet thousand = TestBackends.of(1_000);
        HashRing capped = HashRing.build(thousand, 160, 65_536);
        assertTrue(capped.size() <= 65_536, () -> "ring size " + capped.size() + " (expected: <= 65536)");
        int[] counts = HashRing.pointCounts(TestBackends.of(5_000), 1, 1024);
        for (int c : counts) {
            assertEquals(1, c, "above the cap a backend still keeps one point");
        }
        boolean[] owned = new boolean[thousand.size()];
        for (int o : capped.owners) {
            owned[o] = true;
        }
        for (int i = 0; i < owned.length; i++) {
            assertTrue(owned[i], "backend " + i + " has no point");
        }
    }

    @Test
    void ring_pointsSorted_locateWrapsPastTheLast() {
        HashRing ring = HashRing.build(TestBackends.of(3), 4, 1024);
        for (int i = 1; i < ring.size(); i++) {
            assertTrue(ring.points[i - 1] <= ring.points[i]);
        }
        assertEquals(0, ring.locate(Long.MIN_VALUE));
        assertEquals(0, ring.locate(ring.points[ring.size() - 1] + 1 == Long.MIN_VALUE
                ? Long.MAX_VALUE : ring.points[ring.size() - 1] + 1));
        assertEquals(1, ring.locate(ring.points[1]));
    }
}
