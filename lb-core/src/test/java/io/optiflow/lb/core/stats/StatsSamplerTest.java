package io.optiflow.lb.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.DefaultServicePool;
import io.optiflow.lb.core.pool.Selector;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.core.support.CountingLeastConnProvider;
import io.optiflow.lb.core.support.RoundRobinTestProvider;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.SeededRandom;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class StatsSamplerTest {

    private static final String A = "10.0.0.1:8080";
    private static final String B = "10.0.0.2:8080";

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stats-sampler-test");
        t.setDaemon(true);
        return t;
    });
    private final StrategyRegistry registry = StrategyRegistry.create(null);
    private final ManualTicker ticker = new ManualTicker(1_000_000L);
    private final SteppingClock clock = new SteppingClock();
    private ControlPlane control;
    private DefaultServicePool pool;

    /** A wall clock that moves only when the test moves it, in step with the ticker. */
    private static final class SteppingClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-06T10:00:00Z").toEpochMilli());

        void advanceSeconds(long s) {
            millis.addAndGet(s * 1000);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @BeforeEach
    void start() {
        control = new ControlPlane(registry, dir, ticker, new SeededRandom(3), scheduler, clock);
        control.start(List.of(new ServiceSpec("shop", List.of(BackendSpec.parse("http://" + A),
                BackendSpec.parse("http://" + B)), RoundRobinTestProvider.NAME, Map.of(), HealthPolicy.defaults())));
        pool = (DefaultServicePool) control.pool("shop").orElseThrow();
    }

    @AfterEach
    void stop() {
        control.close();
        registry.close();
        scheduler.shutdownNow();
    }

    private void second() {
        ticker.advanceMillis(1000);
        clock.advanceSeconds(1);
    }

    /** Sends {@code n} requests through the pool's selector, each completing with {@code outcome} in 2 ms. */
    private void traffic(int n, Outcome outcome) {
        Selector s = pool.selector();
        for (int i = 0; i < n; i++) {
            Backend b = s.pick(RequestContext.EMPTY).backend();
            s.onStart(b);
            s.onComplete(b, 2_000_000L, outcome);
        }
    }

    private static BackendSample backend(ServiceSample s, String id) {
        return s.backends().stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void sampleNow_afterTrafficInOneSecond_reportsRequestsPerSecondPerBackend() {
        StatsSampler sampler = new StatsSampler(control, ticker, clock, 300);
        sampler.sampleNow();
        traffic(40, Outcome.SUCCESS);
        traffic(10, Outcome.FAILURE);
        second();
        ServiceSample s = sampler.sampleNow().service("shop").orElseThrow().latest();
        assertEquals(50, s.requestsPerSecond(), 1e-9);
        assertEquals(10, s.errorsPerSecond(), 1e-9);
        assertEquals(25, backend(s, A).requestsPerSecond(), 1e-9, "round robin splits evenly");
        assertEquals(25, backend(s, B).requestsPerSecond(), 1e-9);
        assertEquals(2.0, s.p50Ms(), 0.3, "2 ms requests");
        assertTrue(s.inTrouble(), "20 % errors is trouble: " + s.troubles());

        second();
        ServiceSample quiet = sampler.sampleNow().service("shop").orElseThrow().latest();
        assertEquals(0, quiet.requestsPerSecond(), 1e-9, "rates are per interval, not since start-up");
        assertEquals(50, backend(quiet, A).requests() + backend(quiet, B).requests());
        assertFalse(quiet.inTrouble(), quiet.troubles()::toString);
    }

    @Test
    void sampleNow_moreTicksThanCapacity_keepsOnlyTheNewest() {
        StatsSampler sampler = new StatsSampler(control, ticker, clock, 5);
        StatsSnapshot last = null;
        for (int i = 0; i < 12; i++) {
            last = sampler.sampleNow();
            second();
        }
        ServiceHistory h = last.service("shop").orElseThrow();
        assertEquals(5, h.samples().size());
        assertEquals(12, last.sequence());
        assertTrue(h.samples().get(0).at().isBefore(h.latest().at()), "oldest first");
        assertSame(last, sampler.snapshot());
    }

    @Test
    void sampleNow_afterSwitchAndDrain_marksBothChanges() {
        StatsSampler sampler = new StatsSampler(control, ticker, clock, 300);
        sampler.sampleNow();
        second();
        control.switchStrategy("shop", CountingLeastConnProvider.NAME, Map.of(), "alice");
        control.updateBackend("shop", B, null, AdminState.DRAINING, "alice");
        ServiceHistory h = sampler.sampleNow().service("shop").orElseThrow();
        List<String> texts = new ArrayList<>();
        h.marks().forEach(m -> texts.add(m.kind() + " " + m.text()));
        assertEquals(List.of("STRATEGY strategy " + RoundRobinTestProvider.NAME + " -> " + CountingLeastConnProvider.NAME,
                "BACKEND " + B + " ENABLED -> DRAINING"), texts);
        assertEquals(1, h.latest().availableBackends());
        second();
        assertEquals(2, sampler.sampleNow().service("shop").orElseThrow().marks().size(), "no new change, no new mark");
    }

    @Test
    void sampleNow_withRejectionCounters_reportsRateLimitedAsTrouble() {
        StatsSampler sampler = new StatsSampler(control, ticker, clock, 300);
        AtomicLong limited = new AtomicLong();
        sampler.countRejections("shop", limited::get, () -> 0);
        sampler.sampleNow();
        limited.addAndGet(30);
        traffic(10, Outcome.SUCCESS);
        second();
        ServiceSample s = sampler.sampleNow().service("shop").orElseThrow().latest();
        assertEquals(30, s.rateLimitedPerSecond(), 1e-9);
        assertTrue(s.troubles().contains("rate limited"), s.troubles()::toString);
    }

    @Test
    void listener_afterEachTick_getsTheNewSnapshotUntilClosed() throws Exception {
        StatsSampler sampler = new StatsSampler(control, ticker, clock, 300);
        List<Long> seen = new ArrayList<>();
        AutoCloseable handle = sampler.addListener(s -> seen.add(s.sequence()));
        sampler.sampleNow();
        sampler.sampleNow();
        handle.close();
        sampler.sampleNow();
        assertEquals(List.of(1L, 2L), seen);
    }
}
