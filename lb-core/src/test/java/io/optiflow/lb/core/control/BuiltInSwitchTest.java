package io.optiflow.lb.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.pool.Selector;
import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.SeededRandom;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Live switches between the built-in strategies of lb-algorithms, through the control plane. */
@Timeout(60)
class BuiltInSwitchTest {

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "builtin-switch-test");
        t.setDaemon(true);
        return t;
    });
    private final StrategyRegistry registry = StrategyRegistry.create(null);
    private ControlPlane cp;

    @AfterEach
    void tearDown() {
        if (cp != null) {
            cp.close();
        }
        registry.close();
        scheduler.shutdownNow();
    }

    private ServicePool start(int backends) {
        List<BackendSpec> specs = new ArrayList<>();
        for (int i = 1; i <= backends; i++) {
            specs.add(BackendSpec.parse("http://10.0.0." + i + ":80"));
        }
        cp = new ControlPlane(registry, dir, new ManualTicker(), new SeededRandom(3), scheduler, Clock.systemUTC());
        cp.start(List.of(new ServiceSpec("api", specs, "round-robin", Map.of(), HealthPolicy.defaults())));
        return cp.pool("api").orElseThrow();
    }

    @Test
    void switch_toLeastConnectionsWithBusyBackend_busyOneAvoidedUntilItsRequestsEnd() {
        ServicePool pool = start(3);
        Selector old = pool.selector();
        Backend busy = old.pick(RequestContext.EMPTY).backend();
        for (int i = 0; i < 10; i++) {
            old.onStart(busy);
        }
        cp.switchStrategy("api", "least-connections", Map.of(), "ops");
        Selector now = pool.selector();
        for (int i = 0; i < 10; i++) {
            Backend b = now.pick(RequestContext.EMPTY).backend();
            assertNotEquals(busy.id(), b.id(), "request " + i + " herded onto the busy backend");
            now.onStart(b);
        }
        for (int i = 0; i < 10; i++) {
            old.onComplete(busy, 1_000_000L, Outcome.SUCCESS);
        }
        // the others hold 5 each now; the released one holds 0: least-connections must pick it
        assertEquals(busy.id(), now.pick(RequestContext.EMPTY).backend().id());
    }

    @Test
    void switch_manyTimesUnderLoad_leastConnectionsBalancedAfterwards() throws Exception {
        ServicePool pool = start(4);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                Selector[] sel = new Selector[4];
                Backend[] bs = new Backend[4];
                int n = 0;
                try {
                    for (int i = 0; i < 10_000_000 && !stop.get(); i++) {
                        if (n == sel.length) {
                            for (int k = 0; k < n; k++) {
                                sel[k].onComplete(bs[k], 1_000L, Outcome.SUCCESS);
                            }
                            n = 0;
                        }
                        Selector s = pool.selector();
                        PickResult r = s.pick(RequestContext.EMPTY);
                        s.onStart(r.backend());
                        sel[n] = s;
                        bs[n++] = r.backend();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    for (int k = 0; k < n; k++) {
                        sel[k].onComplete(bs[k], 1_000L, Outcome.SUCCESS);
                    }
                }
            });
            th.setDaemon(true);
            workers.add(th);
            th.start();
        }
        for (int i = 0; i < 200; i++) {
            cp.switchStrategy("api", i % 3 == 0 ? "round-robin" : "least-connections", Map.of(), "ops");
        }
        cp.switchStrategy("api", "least-connections", Map.of(), "ops");
        stop.set(true);
        for (Thread th : workers) {
            th.join(30_000);
            assertFalse(th.isAlive());
        }
        assertTrue(errors.isEmpty(), errors::toString);
        // nothing in flight: 8 picks that stay open must land exactly twice on each of the 4 backends
        Selector s = pool.selector();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            Backend b = s.pick(RequestContext.EMPTY).backend();
            s.onStart(b);
            counts.merge(b.id(), 1, Integer::sum);
        }
        assertEquals(Map.of("10.0.0.1:80", 2, "10.0.0.2:80", 2, "10.0.0.3:80", 2, "10.0.0.4:80", 2), counts,
                "a leaked or lost in-flight slot would skew least-connections");
        assertEquals(201, cp.service("api").strategySwitches(), "one audit line and one persist per switch too");
        assertEquals(201, cp.audit(1_000).size());
    }
}
