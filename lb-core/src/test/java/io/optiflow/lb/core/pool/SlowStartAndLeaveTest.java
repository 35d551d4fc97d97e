package io.optiflow.lb.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.support.CountingLeastConnProvider;
import io.optiflow.lb.core.support.RoundRobinTestProvider;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.SeededRandom;
import io.optiflow.lb.testkit.TestBackends;
import io.optiflow.lb.testkit.TestContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Slow start through the gate, and leaving backends drained then dropped. */
@Timeout(30)
class SlowStartAndLeaveTest {

    private static final long S = 1_000_000_000L;
    private static final long RAMP = 10 * S;

    private final ManualTicker ticker = new ManualTicker();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slow-start-test");
        t.setDaemon(true);
        return t;
    });
    private final List<DefaultServicePool> pools = new ArrayList<>();

    @AfterEach
    void tearDown() {
        pools.forEach(DefaultServicePool::close);
        scheduler.shutdownNow();
    }

    private static StrategyInstance roundRobin() {
        RoundRobinTestProvider p = new RoundRobinTestProvider();
        ConfigResult<?> c = p.parseConfig(Map.of());
        return new StrategyInstance(p.name(), Map.of(), newStrategy(p, c));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Strategy newStrategy(io.optiflow.lb.api.spi.StrategyProvider p, ConfigResult<?> c) {
        return p.newStrategy(c.config(), TestContexts.seeded(1));
    }

    /** A strategy that always picks the backend with the highest id (like a hash stuck on a newcomer). */
    private static StrategyInstance sticky() {
        Strategy s = healthy -> ctx -> healthy.isEmpty() ? io.optiflow.lb.api.Rejection.NO_BACKEND
                : healthy.get(healthy.size() - 1);
        return new StrategyInstance("sticky", Map.of(), s);
    }

    private DefaultServicePool pool(int backends, StrategyInstance strategy, long slowStart) {
        List<BackendEntry> entries = new ArrayList<>();
        for (Backend b : TestBackends.of(backends).backends()) {
            entries.add(BackendEntry.configured(b, "http://" + b.authority()));
        }
        HealthPolicy health = new HealthPolicy(false, "/", 5 * S, 2 * S, 2, 3, 3, 30 * S, 300 * S, 100);
        DefaultServicePool p = new DefaultServicePool("svc", health, strategy.name(), strategy, false, entries, ticker,
                scheduler, Runnable::run, slowStart, new SeededRandom(42));
        pools.add(p);
        return p;
    }

    private static BackendEntry entry(int i) {
        Backend b = TestBackends.backend(i);
        return new BackendEntry(b, "http://" + b.authority(), "file", AdminState.ENABLED, false, false);
    }

    /** Share of {@code n} picks that land on {@code id}. */
    private static double share(DefaultServicePool p, String id, int n) {
        int hits = 0;
        for (int i = 0; i < n; i++) {
            PickResult r = p.selector().pick(RequestContext.EMPTY);
            assertTrue(r.isBackend(), "slow start never refuses a request");
            if (r.backend().id().equals(id)) {
                hits++;
            }
        }
        return hits / (double) n;
    }

    @Test
    void pick_backendJoinsWithSlowStart_shareRampsUpNotAStep() {
        DefaultServicePool p = pool(3, roundRobin(), RAMP);
        p.applyMembership(List.of(entry(4)), List.of());
        String id = TestBackends.backend(4).id();
        double[] shares = new double[5];
        for (int step = 0; step < 5; step++) {
            shares[step] = share(p, id, 8000);
            ticker.advanceNanos(RAMP / 4);
        }
        // linear from 5 % of its share (1/4) to all of it: about 1.25, 7.2, 13.1, 19.1, 25 %
        assertTrue(shares[0] < 0.03, "at once: a trickle, was " + shares[0]);
        for (int i = 1; i < 4; i++) {
            assertTrue(shares[i] > shares[i - 1] + 0.03, "ramps up step by step: " + java.util.Arrays.toString(shares));
        }
        assertEquals(0.25, shares[4], 0.01, "full share once the ramp is over");
        assertEquals(100, p.backendView(id).orElseThrow().slowStartPercent());
        p.endRamps();
        assertNull(p.selector() instanceof PoolSelector s ? s.gate : null, "gate dropped once every ramp is over");
    }

    @Test
    void pick_strategySticksToNewcomer_gateSendsMostElsewhere() {
        DefaultServicePool p = pool(3, sticky(), RAMP);
        p.applyMembership(List.of(entry(4)), List.of());
        String id = TestBackends.backend(4).id();
        double start = share(p, id, 4000);
        // admitted with probability 0.05 on each of three asks: 1 - 0.95^3 = 0.14; without the gate it would be 1
        assertTrue(start < 0.2, "sticky strategy at the start of the ramp: " + start);
        ticker.advanceNanos(RAMP / 2);
        double half = share(p, id, 4000);
        // 0.525 on each ask: 1 - 0.475^3 = 0.89
        assertTrue(half > 0.8 && half < 0.95, "sticky strategy halfway through the ramp: " + half);
    }

    @Test
    void pick_everyBackendRamping_requestsStillServed() {
        DefaultServicePool p = pool(0, roundRobin(), RAMP);
        p.applyMembership(List.of(entry(1), entry(2)), List.of());
        assertEquals(1.0, share(p, TestBackends.backend(1).id(), 100) + share(p, TestBackends.backend(2).id(), 100),
                1e-9);
    }

    @Test
    void pick_backendBackFromEjection_rampsAgain() {
        DefaultServicePool p = pool(3, roundRobin(), RAMP);
        Backend b = TestBackends.backend(2);
        Selector s = p.selector();
        for (int i = 0; i < 3; i++) {
            s.onStart(b);
            s.onComplete(b, 1_000_000L, Outcome.FAILURE);
        }
        assertEquals(HealthStatus.EJECTED, p.backendView(b.id()).orElseThrow().health());
        ticker.advanceNanos(31 * S);
        p.expireEjections();
        assertEquals(HealthStatus.UP, p.backendView(b.id()).orElseThrow().health());
        assertEquals(5, p.backendView(b.id()).orElseThrow().slowStartPercent());
        assertTrue(share(p, b.id(), 6000) < 0.05, "back from an ejection it starts with a trickle");
    }

    @Test
    void pick_backendBackFromFailedHealthChecks_rampsAgain() {
        DefaultServicePool p = pool(2, roundRobin(), RAMP);
        String id = TestBackends.backend(1).id();
        for (int i = 0; i < 3; i++) {
            p.reportActiveCheck(id, false);
        }
        assertEquals(HealthStatus.DOWN, p.backendView(id).orElseThrow().health());
        p.reportActiveCheck(id, true);
        p.reportActiveCheck(id, true);
        ticker.advanceNanos(RAMP / 2);
        int percent = p.backendView(id).orElseThrow().slowStartPercent();
        assertTrue(percent > 40 && percent < 60, "halfway: " + percent);
    }

    @Test
    void pick_slowStartOff_newcomerGetsFullShareAtOnce() {
        DefaultServicePool p = pool(3, roundRobin(), 0);
        p.applyMembership(List.of(entry(4)), List.of());
        assertEquals(0.25, share(p, TestBackends.backend(4).id(), 4000), 0.001);
    }

    @Test
    void pick_firstMembers_startWarm() {
        DefaultServicePool p = pool(3, roundRobin(), RAMP);
        assertNull(((PoolSelector) p.selector()).gate);
    }

    @Test
    void applyMembership_leaveWithRequestInFlight_noNewPickThenDroppedWhenIdle() throws Exception {
        DefaultServicePool p = pool(3, leastConn(), 0);
        Backend b = TestBackends.backend(1);
        Selector before = p.selector();
        before.onStart(b);
        p.applyMembership(List.of(), List.of(b.id()));
        assertFalse(p.availableBackends().backends().contains(b));
        BackendView v = p.backendView(b.id()).orElseThrow();
        assertTrue(v.leaving());
        assertEquals(1, v.inFlight());
        for (int i = 0; i < 300; i++) {
            PickResult r = p.selector().pick(RequestContext.EMPTY);
            assertFalse(r.backend().id().equals(b.id()), "a leaving backend gets no new request");
        }
        Thread.sleep(200); // several drain checks (every 50 ms) find it busy: they must keep checking
        assertTrue(p.backend(b.id()).isPresent(), "kept while its request is in flight");
        before.onComplete(b, 1_000_000L, Outcome.SUCCESS);
        long deadline = System.nanoTime() + 5 * S;
        while (p.backend(b.id()).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(5); // the pool's drain check runs every 50 ms on the scheduler
        }
        assertTrue(p.backend(b.id()).isEmpty(), "dropped once its request in flight finished");
    }

    @Test
    void applyMembership_leavingBackendComesBack_staysWithItsCounters() {
        DefaultServicePool p = pool(2, roundRobin(), 0);
        Backend b = TestBackends.backend(1);
        p.selector().onStart(b);
        p.applyMembership(List.of(), List.of(b.id()));
        assertTrue(p.isLeaving(b.id()));
        p.applyMembership(List.of(BackendEntry.configured(b, "http://" + b.authority())), List.of());
        assertFalse(p.isLeaving(b.id()));
        assertTrue(p.availableBackends().backends().contains(b));
        assertEquals(1, p.backendView(b.id()).orElseThrow().requests());
    }

    @Test
    void applyMembership_idleLeaver_droppedAtOnce() {
        DefaultServicePool p = pool(2, roundRobin(), 0);
        p.applyMembership(List.of(entry(3)), List.of(TestBackends.backend(1).id()));
        assertTrue(p.backend(TestBackends.backend(1).id()).isEmpty());
        assertEquals(BackendSet.of(TestBackends.backend(2), TestBackends.backend(3)), p.availableBackends());
        assertNotNull(p.backend(TestBackends.backend(3).id()).orElseThrow());
    }

    private static StrategyInstance leastConn() {
        CountingLeastConnProvider p = new CountingLeastConnProvider();
        return new StrategyInstance(p.name(), Map.of(), newStrategy(p, p.parseConfig(Map.of())));
    }
}
