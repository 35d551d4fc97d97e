package io.optiflow.lb.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.support.CountingLeastConnProvider;
import io.optiflow.lb.core.support.CountingLeastConnProvider.Counting;
import io.optiflow.lb.core.support.RoundRobinTestProvider;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.TestBackends;
import io.optiflow.lb.testkit.TestContexts;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DefaultServicePoolTest {

    private static final long S = 1_000_000_000L;

    private final ManualTicker ticker = new ManualTicker();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pool-test");
        t.setDaemon(true);
        return t;
    });
    private final List<DefaultServicePool> pools = new ArrayList<>();

    @AfterEach
    void tearDown() {
        pools.forEach(DefaultServicePool::close);
        scheduler.shutdownNow();
    }

    private static HealthPolicy policy(int consecutiveFailures, long baseNanos, long maxNanos, int maxEjectedPercent) {
        return new HealthPolicy(true, "/", 5 * S, 2 * S, 2, 3, consecutiveFailures, baseNanos, maxNanos,
                maxEjectedPercent);
    }

    private static <C> StrategyInstance instance(StrategyProvider<C> p, Map<String, String> raw) {
        ConfigResult<C> r = p.parseConfig(raw);
        return new StrategyInstance(p.name(), raw, p.newStrategy(r.config(), TestContexts.seeded(1)));
    }

    private static StrategyInstance leastConn(int bias) {
        return instance(new CountingLeastConnProvider(), Map.of("bias", Integer.toString(bias)));
    }

    private static StrategyInstance roundRobin() {
        return instance(new RoundRobinTestProvider(), Map.of());
    }

    private DefaultServicePool pool(int backends, HealthPolicy health, StrategyInstance initial) {
        List<BackendEntry> entries = new ArrayList<>();
        for (Backend b : TestBackends.of(backends).backends()) {
            entries.add(BackendEntry.configured(b, "http://" + b.authority()));
        }
        // passive ejections are applied at once (Runnable::run) so tests need no waiting
        DefaultServicePool p = new DefaultServicePool("svc", health, initial.name(), initial, false, entries, ticker,
                scheduler, Runnable::run);
        pools.add(p);
        return p;
    }

    private DefaultServicePool pool(int backends) {
        return pool(backends, HealthPolicy.defaults(), roundRobin());
    }

    private static Backend b(int i) {
        return TestBackends.backend(i);
    }

    private static Set<String> ids(DefaultServicePool p) {
        Set<String> out = new HashSet<>();
        for (Backend b : p.availableBackends().backends()) {
            out.add(b.id());
        }
        return out;
    }

    private static HealthStatus health(DefaultServicePool p, int i) {
        return p.backendView(b(i).id()).orElseThrow().health();
    }

    private static void fail(Selector s, Backend b, int times) {
        for (int i = 0; i < times; i++) {
            s.onStart(b);
            s.onComplete(b, 1_000_000L, Outcome.FAILURE);
        }
    }

    @Test
    void switch_1000TimesWhileThreadsPickStartComplete_everyRequestAccountedAndInFlightZero() throws Exception {
        CountingLeastConnProvider.MADE.clear();
        DefaultServicePool p = pool(4, HealthPolicy.defaults(), leastConn(0));
        int threads = 3;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong started = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            Thread th = new Thread(() -> {
                // each worker keeps up to 8 requests open, so switches happen with requests in flight
                Selector[] openSel = new Selector[8];
                Backend[] openB = new Backend[8];
                int n = 0;
                try {
                    for (int i = 0; i < 5_000_000 && !stop.get(); i++) {
                        Selector s = p.selector();
                        PickResult r = s.pick(RequestContext.EMPTY);
                        if (!r.isBackend()) {
                            throw new AssertionError("no backend picked: " + r);
                        }
                        s.onStart(r.backend());
                        started.incrementAndGet();
                        if (n == openSel.length || (i + seed) % 3 == 0) {
                            int k = n == openSel.length ? (i % n) : n - 1;
                            if (n > 0 && k >= 0) {
                                openSel[k].onComplete(openB[k], 1_000L, i % 5 == 0 ? Outcome.IGNORED : Outcome.SUCCESS);
                                completed.incrementAndGet();
                                openSel[k] = openSel[n - 1];
                                openB[k] = openB[n - 1];
                                n--;
                            }
                        }
                        openSel[n] = s;
                        openB[n] = r.backend();
                        n++;
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    for (int k = 0; k < n; k++) {
                        openSel[k].onComplete(openB[k], 1_000L, Outcome.SUCCESS);
                        completed.incrementAndGet();
                    }
                }
            }, "switch-worker-" + t);
            th.setDaemon(true);
            workers.add(th);
            th.start();
        }
        for (int i = 1; i <= 1_000; i++) {
            p.switchStrategy(i % 4 == 3 ? roundRobin() : leastConn(i % 100), true);
            if (i % 100 == 0) {
                Thread.yield();
            }
        }
        p.switchStrategy(leastConn(1), true); // end on a counting strategy
        stop.set(true);
        for (Thread th : workers) {
            th.join(30_000);
            assertFalse(th.isAlive(), "worker did not stop");
        }
        assertTrue(errors.isEmpty(), () -> "workers failed: " + errors);
        assertEquals(started.get(), completed.get());
        assertTrue(started.get() > 0);
        assertEquals(1_001, p.strategySwitches());
        Counting current = (Counting) p.strategy().strategy();
        assertSame(CountingLeastConnProvider.MADE.get(CountingLeastConnProvider.MADE.size() - 1), current);
        for (int i = 1; i <= 4; i++) {
            assertEquals(0, current.inFlight(b(i).id()), "current strategy's in-flight of " + b(i).id());
            assertEquals(0, p.backendStats(b(i).id()).orElseThrow().inFlight());
        }
        long requests = 0;
        for (int i = 1; i <= 4; i++) {
            requests += p.backendStats(b(i).id()).orElseThrow().requests();
        }
        assertEquals(started.get(), requests);
        for (Counting c : CountingLeastConnProvider.MADE) {
            assertEquals(0, c.totalInFlight(), "every generation ends balanced");
            assertEquals(0, c.negatives.get(), "no generation ever saw a release before its start");
        }
        assertTrue(CountingLeastConnProvider.MADE.get(0).closed, "replaced strategies are closed");
    }

    @Test
    void switch_withRequestsInFlight_newLeastConnSeededAndAvoidsBusyBackend() {
        DefaultServicePool p = pool(3);
        Selector old = p.selector();
        for (int i = 0; i < 10; i++) {
            old.onStart(b(1));
        }
        p.switchStrategy(leastConn(0), true);
        Counting lc = (Counting) p.strategy().strategy();
        assertEquals(10, lc.inFlight(b(1).id()), "seeded with the requests in flight");
        Selector now = p.selector();
        assertNotSame(old, now);
        for (int i = 0; i < 10; i++) {
            Backend picked = now.pick(RequestContext.EMPTY).backend();
            assertNotSame(b(1), picked, "the busy backend is not herded into");
            assertFalse(picked.id().equals(b(1).id()), "picked the busy backend at request " + i);
            now.onStart(picked);
        }
        for (int i = 0; i < 10; i++) {
            old.onComplete(b(1), 1_000L, Outcome.SUCCESS);
        }
        assertEquals(0, lc.inFlight(b(1).id()), "old requests release their seeded slots");
        assertEquals(5, lc.inFlight(b(2).id()));
        assertEquals(5, lc.inFlight(b(3).id()));
    }

    @Test
    void onComplete_requestStartedBeforeSwitchNotSeeded_noReleaseInNewStrategy() {
        DefaultServicePool p = pool(2, HealthPolicy.defaults(), leastConn(0));
        Counting first = (Counting) p.strategy().strategy();
        Selector old = p.selector();
        Backend picked = old.pick(RequestContext.EMPTY).backend();
        p.switchStrategy(leastConn(1), true); // picked, not yet started: nothing to seed
        Counting second = (Counting) p.strategy().strategy();
        assertEquals(0, second.totalInFlight());
        old.onStart(picked); // started late under the old selector: the new strategy learns of it too
        assertEquals(1, first.inFlight(picked.id()));
        assertEquals(1, second.inFlight(picked.id()));
        old.onComplete(picked, 1_000L, Outcome.FAILURE);
        assertEquals(0, first.totalInFlight());
        assertEquals(0, second.totalInFlight());
        assertEquals(0, second.negatives.get());
    }

    @Test
    void passiveEjection_consecutiveFailures_ejectedForBaseTimesNCappedThenBack() {
        DefaultServicePool p = pool(4, policy(3, 10 * S, 25 * S, 50), roundRobin());
        Selector s = p.selector();
        fail(s, b(1), 2);
        assertEquals(HealthStatus.UP, health(p, 1));
        s.onStart(b(1));
        s.onComplete(b(1), 1_000L, Outcome.SUCCESS); // a success resets the count
        fail(s, b(1), 2);
        assertEquals(HealthStatus.UP, health(p, 1));
        fail(p.selector(), b(1), 1);
        assertEquals(HealthStatus.EJECTED, health(p, 1));
        assertFalse(ids(p).contains(b(1).id()));
        assertEquals(1, p.backendView(b(1).id()).orElseThrow().ejections());

        ticker.advanceNanos(10 * S - 1);
        p.expireEjections();
        assertEquals(HealthStatus.EJECTED, health(p, 1), "not before its time");
        ticker.advanceNanos(1);
        p.expireEjections();
        assertEquals(HealthStatus.UP, health(p, 1));
        assertTrue(ids(p).contains(b(1).id()));

        fail(p.selector(), b(1), 3); // second in a row: 20 s
        ticker.advanceNanos(20 * S - 1);
        p.expireEjections();
        assertEquals(HealthStatus.EJECTED, health(p, 1));
        ticker.advanceNanos(1);
        p.expireEjections();
        assertEquals(HealthStatus.UP, health(p, 1));

        fail(p.selector(), b(1), 3); // third: 30 s capped at 25 s
        ticker.advanceNanos(25 * S);
        p.expireEjections();
        assertEquals(HealthStatus.UP, health(p, 1));
        assertEquals(3, p.backendView(b(1).id()).orElseThrow().ejections());
        assertEquals(11, p.backendView(b(1).id()).orElseThrow().errors());
    }

    @Test
    void passiveEjection_capReached_furtherBackendsStayIn() {
        DefaultServicePool p = pool(4, policy(2, 10 * S, 100 * S, 50), roundRobin());
        fail(p.selector(), b(1), 2);
        fail(p.selector(), b(2), 2);
        fail(p.selector(), b(3), 2);
        fail(p.selector(), b(3), 2);
        assertEquals(HealthStatus.EJECTED, health(p, 1));
        assertEquals(HealthStatus.EJECTED, health(p, 2));
        assertEquals(HealthStatus.UP, health(p, 3), "50 % of 4 backends: at most 2 ejected");
        assertEquals(Set.of(b(3).id(), b(4).id()), ids(p));
    }

    @Test
    void passiveEjection_offWhenZero_neverEjects() {
        DefaultServicePool p = pool(2, policy(0, 10 * S, 100 * S, 100), roundRobin());
        fail(p.selector(), b(1), 50);
        assertEquals(HealthStatus.UP, health(p, 1));
        assertEquals(50, p.backendView(b(1).id()).orElseThrow().errors());
    }

    @Test
    void reportActiveCheck_fallThenRise_downAndBackUp() {
        DefaultServicePool p = pool(2); // defaults: fall 3, rise 2
        p.reportActiveCheck(b(1).id(), false);
        p.reportActiveCheck(b(1).id(), false);
        assertEquals(HealthStatus.UP, health(p, 1));
        p.reportActiveCheck(b(1).id(), true); // a pass resets the fall count
        p.reportActiveCheck(b(1).id(), false);
        p.reportActiveCheck(b(1).id(), false);
        assertEquals(HealthStatus.UP, health(p, 1));
        p.reportActiveCheck(b(1).id(), false);
        assertEquals(HealthStatus.DOWN, health(p, 1));
        assertEquals(Set.of(b(2).id()), ids(p));
        p.reportActiveCheck(b(1).id(), true);
        assertEquals(HealthStatus.DOWN, health(p, 1));
        p.reportActiveCheck(b(1).id(), true);
        assertEquals(HealthStatus.UP, health(p, 1));
        assertEquals(Set.of(b(1).id(), b(2).id()), ids(p));
        p.reportActiveCheck("no-such-backend", false); // ignored
    }

    @Test
    void allBackendsDown_noBackendRejectionAndNotReady() {
        DefaultServicePool p = pool(1);
        assertTrue(p.hasAvailableBackend());
        for (int i = 0; i < 3; i++) {
            p.reportActiveCheck(b(1).id(), false);
        }
        assertFalse(p.hasAvailableBackend());
        assertSame(Rejection.NO_BACKEND, p.selector().pick(RequestContext.EMPTY));
    }

    @Test
    void drain_backendWithRequestInFlight_noNewPicksAndInFlightFinishes() {
        DefaultServicePool p = pool(2);
        Selector before = p.selector();
        before.onStart(b(1));
        BackendEntry e = p.backend(b(1).id()).orElseThrow();
        p.putBackend(new BackendEntry(e.backend(), e.url(), e.origin(), AdminState.DRAINING, false, true));
        for (int i = 0; i < 6; i++) {
            assertEquals(b(2).id(), p.selector().pick(RequestContext.EMPTY).backend().id());
        }
        BackendView v = p.backendView(b(1).id()).orElseThrow();
        assertEquals(AdminState.DRAINING, v.state());
        assertEquals(1, v.inFlight());
        before.onComplete(b(1), 2_000_000L, Outcome.SUCCESS);
        assertEquals(0, p.backendView(b(1).id()).orElseThrow().inFlight());
        assertEquals(1, p.backendView(b(1).id()).orElseThrow().latency().count());
    }

    @Test
    void onStart_pickedObjectOrAnEqualCopy_countsOnTheSameBackend() {
        DefaultServicePool p = pool(3);
        Selector s = p.selector();
        Backend picked = s.pick(RequestContext.EMPTY).backend(); // an object of the set: found by identity
        Backend copy = new Backend(picked.id(), picked.host(), picked.port(), picked.weight(), picked.labels());
        s.onStart(picked);
        s.onStart(copy); // another object, equal: found by id
        assertEquals(2, p.backendView(picked.id()).orElseThrow().inFlight());
        s.onComplete(copy, 1_000_000L, Outcome.SUCCESS);
        s.onComplete(picked, 1_000_000L, Outcome.SUCCESS);
        BackendView v = p.backendView(picked.id()).orElseThrow();
        assertEquals(0, v.inFlight());
        assertEquals(2, v.requests());
        for (Backend other : p.availableBackends().backends()) {
            if (!other.id().equals(picked.id())) {
                assertEquals(0, p.backendView(other.id()).orElseThrow().requests(), other.id());
            }
        }
    }

    /** Records the times its starts came with; counts starts that came without one. */
    private static final class StartTimes implements Strategy, LoadFeedback {
        final List<Long> times = new ArrayList<>();
        int untimed;

        @Override
        public Picker update(BackendSet healthy) {
            return healthy.isEmpty() ? Picker.NO_BACKEND : ctx -> healthy.get(0);
        }

        @Override
        public LoadFeedback feedback() {
            return this;
        }

        @Override
        public void onStart(Backend backend) {
            untimed++;
        }

        @Override
        public void onStart(Backend backend, long nowNanos) {
            times.add(nowNanos);
        }

        @Override
        public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
        }
    }

    @Test
    void onStart_callersTime_passedToTheStrategyAndToLaterGenerations() {
        StartTimes first = new StartTimes();
        DefaultServicePool p = pool(2, HealthPolicy.defaults(), new StrategyInstance("first", Map.of(), first));
        Selector old = p.selector();
        ticker.advanceNanos(5 * S);
        old.onStart(b(1), 3 * S); // the caller read its clock at 3 s, before its pick
        old.onStart(b(1)); // without a time: the pool's ticker, 5 s
        assertEquals(List.of(3 * S, 5 * S), first.times);
        ticker.advanceNanos(4 * S);
        StartTimes second = new StartTimes();
        p.switchStrategy(new StrategyInstance("second", Map.of(), second), true);
        assertEquals(List.of(9 * S, 9 * S), second.times, "the two requests in flight, seeded at the switch");
        old.onStart(b(2), 7 * S); // picked before the switch, started after: both generations learn of it
        assertEquals(List.of(3 * S, 5 * S, 7 * S), first.times);
        assertEquals(List.of(9 * S, 9 * S, 7 * S), second.times);
        assertEquals(0, first.untimed + second.untimed, "a start passed on without its time");
    }

    @Test
    void update_changesNothing_sameSelectorPublished() {
        DefaultServicePool p = pool(3);
        Selector s = p.selector();
        BackendEntry e = p.backend(b(2).id()).orElseThrow();
        p.putBackend(e); // same entry
        p.reportActiveCheck(b(2).id(), true); // UP stays UP
        p.reportActiveCheck(b(2).id(), false); // one failure is below fall
        p.expireEjections();
        BackendEntry disabledElsewhere = new BackendEntry(e.backend(), e.url(), e.origin(), AdminState.ENABLED, false,
                false);
        p.putBackend(disabledElsewhere); // equal values
        assertSame(s, p.selector());
        p.putBackend(new BackendEntry(e.backend().withWeight(5), e.url(), e.origin(), AdminState.ENABLED, true, false));
        assertNotSame(s, p.selector(), "a weight change publishes");
    }

    @Test
    void update_membershipChange_sameGenerationNewPicker() {
        CountingLeastConnProvider.MADE.clear();
        DefaultServicePool p = pool(2, HealthPolicy.defaults(), leastConn(0));
        Counting lc = (Counting) p.strategy().strategy();
        PoolSelector first = (PoolSelector) p.selector();
        first.onStart(b(1));
        p.putBackend(BackendEntry.configured(b(3), "http://" + b(3).authority()));
        PoolSelector second = (PoolSelector) p.selector();
        assertSame(first.generation, second.generation, "membership changes keep the strategy");
        assertNotSame(first.picker, second.picker);
        assertEquals(2, lc.updates.get());
        first.onComplete(b(1), 1_000L, Outcome.SUCCESS); // the old selector still reports to the same strategy
        assertEquals(0, lc.totalInFlight());
        assertTrue(p.removeBackend(b(3).id()));
        assertFalse(p.removeBackend(b(3).id()));
        assertEquals(0, p.strategySwitches());
    }

    @Test
    void selector_steadyStateWithAndWithoutSuccessors_allocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemorySupported() || !mx.isThreadAllocatedMemoryEnabled()) {
            return;
        }
        DefaultServicePool p = pool(8, policy(0, S, S, 50), leastConn(0));
        Selector old = p.selector();
        p.switchStrategy(leastConn(1), true);
        p.switchStrategy(leastConn(2), true); // `old` now walks a chain of two successors
        Selector now = p.selector();
        for (int i = 0; i < 50_000; i++) {
            cycle(now);
            cycle(old);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 20_000; i++) {
            cycle(now);
            cycle(old);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 4_096, () -> "40,000 pick/start/complete cycles allocated " + allocated + " bytes");
    }

    private static void cycle(Selector s) {
        PickResult r = s.pick(RequestContext.EMPTY);
        s.onStart(r.backend());
        s.onComplete(r.backend(), 1_500_000L, Outcome.SUCCESS);
    }

    @Test
    void view_afterTraffic_countsRequestsErrorsAndLatency() {
        DefaultServicePool p = pool(1);
        Selector s = p.selector();
        for (int i = 1; i <= 100; i++) {
            s.onStart(b(1));
            s.onComplete(b(1), i * 1_000_000L, i % 10 == 0 ? Outcome.FAILURE : Outcome.SUCCESS);
        }
        s.onStart(b(1));
        s.onComplete(b(1), 999 * S, Outcome.IGNORED); // learns nothing about latency
        ServiceView v = p.view();
        BackendView bv = v.backends().get(0);
        assertEquals(101, bv.requests());
        assertEquals(10, bv.errors());
        assertEquals(0, bv.inFlight());
        assertEquals(100, bv.latency().count());
        assertEquals(50.5, bv.latency().meanMs(), 1.0);
        assertEquals(50, bv.latency().p50Ms(), 50 * 0.15);
        assertEquals(90, bv.latency().p90Ms(), 90 * 0.15);
        assertEquals(99, bv.latency().p99Ms(), 99 * 0.15);
    }

    @Test
    void ejectionEnd_scheduledOnRealClock_shortEjectionNotHeldByLongerOne() throws Exception {
        // the scheduled end of ejections runs on real time: this test uses the system ticker and bounded polling
        long base = 500_000_000L;
        List<BackendEntry> entries = new ArrayList<>();
        for (Backend b : TestBackends.of(4).backends()) {
            entries.add(BackendEntry.configured(b, "http://" + b.authority()));
        }
        DefaultServicePool p = new DefaultServicePool("svc", policy(1, base, 10 * base, 100), RoundRobinTestProvider.NAME,
                roundRobin(), false, entries, io.optiflow.lb.api.spi.Ticker.SYSTEM, scheduler, scheduler);
        pools.add(p);
        fail(p.selector(), b(2), 1); // b2: first ejection, 0.5 s (applied on the scheduler: wait for it)
        assertTrue(awaitHealth(p, 2, HealthStatus.EJECTED));
        assertTrue(awaitHealth(p, 2, HealthStatus.UP), "first ejection of b2 did not end");
        fail(p.selector(), b(1), 1); // b1: 0.5 s
        assertTrue(awaitHealth(p, 1, HealthStatus.EJECTED));
        fail(p.selector(), b(2), 1); // b2 again in a row: 1 s, scheduled after the shorter one
        assertTrue(awaitHealth(p, 2, HealthStatus.EJECTED));
        assertTrue(awaitHealth(p, 1, HealthStatus.UP), "b1's ejection did not end");
        assertEquals(HealthStatus.EJECTED, health(p, 2), "b2 ends 0.5 s after b1");
        assertTrue(awaitHealth(p, 2, HealthStatus.UP));
    }

    private static boolean awaitHealth(DefaultServicePool p, int i, HealthStatus want) throws InterruptedException {
        for (int n = 0; n < 200; n++) { // at most 10 s
            if (health(p, i) == want) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void addListener_healthChange_listenerRunsOffTheWriter() throws Exception {
        DefaultServicePool p = pool(2);
        java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean heldMonitor = new java.util.concurrent.atomic.AtomicBoolean(true);
        p.addListener(() -> {
            heldMonitor.set(Thread.holdsLock(p));
            heard.countDown();
        });
        for (int i = 0; i < 3; i++) {
            p.reportActiveCheck(b(1).id(), false);
        }
        assertTrue(heard.await(10, java.util.concurrent.TimeUnit.SECONDS), "listener not called");
        assertFalse(heldMonitor.get(), "listeners run outside the writer's monitor");
    }
}
