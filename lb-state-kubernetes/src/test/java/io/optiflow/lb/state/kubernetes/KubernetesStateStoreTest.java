package io.optiflow.lb.state.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.control.AdminException;
import io.optiflow.lb.core.control.AuditEntry;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.core.state.ReplicaStatus;
import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StateStores;
import io.optiflow.lb.core.state.StoreConflictException;
import io.optiflow.lb.core.state.StoreContext;
import io.optiflow.lb.core.state.StoredState;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes store against fabric8's mock API server in CRUD mode (a real HTTP server on loopback that keeps
 * objects, resourceVersions and watches): compare-and-set, heartbeats beside state writes, and replicas (control
 * planes) converging and conflicting through one ConfigMap.
 */
@Timeout(120)
class KubernetesStateStoreTest {

    @TempDir
    Path dir;

    private KubernetesMockServer server;
    private final List<StateStore> stores = new ArrayList<>();
    private final List<ControlPlane> planes = new ArrayList<>();
    private final StrategyRegistry registry = StrategyRegistry.create(null);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "k8s-store-test");
        t.setDaemon(true);
        return t;
    });

    @BeforeEach
    void startApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
    }

    @AfterEach
    void stopAll() {
        planes.forEach(ControlPlane::close);
        stores.forEach(StateStore::close);
        server.destroy();
        registry.close();
        scheduler.shutdownNow();
    }

    private StateStore store(String replica) {
        StateStore s = StateStores.open("kubernetes", new StoreContext(Map.of("master-url",
                server.url("/").replaceAll("/$", ""), "namespace", "lb", "timeout", "2s", "audit-entries", "3"), dir,
                new StoreContext.ReplicaIdentity(replica, replica + ":8080"), Clock.systemUTC()));
        stores.add(s);
        return s;
    }

    private ControlPlane replica(String id) {
        ControlPlane cp = new ControlPlane(registry, store(id), id, dir.resolve(id), new ManualTicker(),
                new SeededRandom(1), scheduler, Clock.systemUTC());
        planes.add(cp);
        cp.start(List.of(new ServiceSpec("shop", List.of(BackendSpec.parse("http://10.0.0.1:8080"),
                BackendSpec.parse("http://10.0.0.2:8080")), "round-robin", Map.of(), HealthPolicy.defaults())));
        return cp;
    }

    private static byte[] doc(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long await(String what, BooleanSupplier ok) throws InterruptedException {
        long t0 = System.nanoTime();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(10)) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    void write_staleVersion_conflictWithWhatIsStored_heartbeatsInBetweenAreNoConflict() {
        StateStore a = store("a");
        StateStore b = store("b");
        a.heartbeat(0); // creates the ConfigMap with a heartbeat only
        assertTrue(a.read().isAbsent());
        String v1 = a.write(StoredState.ABSENT_VERSION, doc("{\"revision\":1}"), "{\"n\":1}");
        b.heartbeat(1); // moves the resourceVersion, not the state version
        StoreConflictException e = assertThrows(StoreConflictException.class,
                () -> b.write(StoredState.ABSENT_VERSION, doc("{\"revision\":1}"), "{\"n\":9}"));
        assertEquals(v1, e.current().version());
        String v2 = b.write(v1, doc("{\"revision\":2}"), "{\"n\":2}");
        a.heartbeat(2);
        String v3 = a.write(v2, doc("{\"revision\":3}"), "{\"n\":3}");
        a.write(v3, doc("{\"revision\":4}"), "{\"n\":4}");
        assertEquals(List.of("{\"n\":2}", "{\"n\":3}", "{\"n\":4}"), b.auditLines(10), "newest 3 kept");
        assertEquals(List.of("a", "b"), b.replicas().stream().map(ReplicaStatus::id).toList());
        a.forget("b");
        assertEquals(List.of("a"), b.replicas().stream().map(ReplicaStatus::id).toList());
    }

    @Test
    void changeOnOneReplica_inForceOnTheOtherTwo() throws Exception {
        ControlPlane r1 = replica("r1");
        ControlPlane r2 = replica("r2");
        ControlPlane r3 = replica("r3");
        r1.updateBackend("shop", "10.0.0.1:8080", 6, AdminState.DRAINING, "alice");
        long ms = await("r2 and r3 apply it", () -> r2.backend("shop", "10.0.0.1:8080").weight() == 6
                && r3.backend("shop", "10.0.0.1:8080").state() == AdminState.DRAINING);
        assertTrue(ms <= 1_000, "took " + ms + " ms");
        List<AuditEntry> audit = r3.audit(5);
        assertEquals("r1", audit.get(0).replica());
        ControlPlane r4 = replica("r4");
        assertEquals(6, r4.backend("shop", "10.0.0.1:8080").weight(), "a new replica starts from the store");
    }

    @Test
    void conflictingChangesOnTwoReplicasAtOnce_oneSucceedsTheOtherConflicts() throws Exception {
        ControlPlane r1 = replica("r1");
        ControlPlane r2 = replica("r2");
        String tag = r1.stateTag("shop");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            Callable<String> onR1 = () -> {
                go.await();
                r1.switchStrategy("shop", "random", Map.of(), tag, "alice");
                return "random";
            };
            Callable<String> onR2 = () -> {
                go.await();
                r2.switchStrategy("shop", "least-connections", Map.of(), tag, "bob");
                return "least-connections";
            };
            Future<String> f1 = pool.submit(onR1);
            Future<String> f2 = pool.submit(onR2);
            go.countDown();
            List<String> won = new ArrayList<>();
            List<AdminException> lost = new ArrayList<>();
            for (Future<String> f : List.of(f1, f2)) {
                try {
                    won.add(f.get(30, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    lost.add((AdminException) e.getCause());
                }
            }
            assertEquals(1, won.size(), "exactly one wins: " + won + " " + lost);
            assertEquals(AdminException.Kind.CONFLICT, lost.get(0).kind());
            String winner = won.get(0);
            await("both run the winner", () -> winner.equals(r1.service("shop").strategy())
                    && winner.equals(r2.service("shop").strategy()));
        } finally {
            pool.shutdownNow();
        }
    }
}
