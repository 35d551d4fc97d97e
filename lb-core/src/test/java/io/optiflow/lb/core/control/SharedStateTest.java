package io.optiflow.lb.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.core.state.MemoryStateServer;
import io.optiflow.lb.core.support.CountingLeastConnProvider;
import io.optiflow.lb.core.support.RoundRobinTestProvider;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.SeededRandom;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas (control planes) sharing one store: changes reach the others, same-service races give CONFLICT with the
 * winner's state applied, other-service races are made on top, a lost store refuses changes and catches up. The
 * store is an in-memory stand-in; etcd and Kubernetes run the same cases in their modules against real servers.
 */
@Timeout(60)
class SharedStateTest {

    private static final String RR = RoundRobinTestProvider.NAME;
    private static final String LC = CountingLeastConnProvider.NAME;

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shared-state-test");
        t.setDaemon(true);
        return t;
    });
    private final StrategyRegistry registry = StrategyRegistry.create(null);
    private final MemoryStateServer server = new MemoryStateServer();
    private final List<ControlPlane> planes = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        planes.forEach(ControlPlane::close);
        server.close();
        registry.close();
        scheduler.shutdownNow();
    }

    private ControlPlane replica(String id) {
        ControlPlane cp = new ControlPlane(registry, server.client(id, Clock.systemUTC()), id, dir.resolve(id),
                new ManualTicker(), new SeededRandom(7), scheduler, Clock.systemUTC());
        planes.add(cp);
        cp.start(List.of(service("shop"), service("cart")));
        return cp;
    }

    private static ServiceSpec service(String name) {
        return new ServiceSpec(name, List.of(BackendSpec.parse("http://10.0.0.1:8080"),
                BackendSpec.parse("http://10.0.0.2:8080")), RR, Map.of(), HealthPolicy.defaults());
    }

    /** The changes {@code cp}'s listeners are told of, as replica:action. */
    private static List<String> listen(ControlPlane cp) {
        List<String> heard = new CopyOnWriteArrayList<>();
        cp.addListener(e -> heard.add(e.replica() + ":" + e.action()));
        return heard;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500; i++) { // 10 s at most
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not within 10 s: " + what);
    }

    @Test
    void change_onOneReplica_appliedOnTheOthersWithItsAuditEntry() throws Exception {
        ControlPlane a = replica("a");
        ControlPlane b = replica("b");
        a.switchStrategy("shop", LC, Map.of(), "alice");
        a.updateBackend("shop", "10.0.0.1:8080", 7, AdminState.DRAINING, "alice");
        await("b applies revision 2", () -> b.stateStatus().revision() == 2);
        assertEquals(LC, b.service("shop").strategy());
        BackendView v = b.backend("shop", "10.0.0.1:8080");
        assertEquals(7, v.weight());
        assertEquals(AdminState.DRAINING, v.state());
        assertEquals(a.stateTag("shop"), b.stateTag("shop"));
        List<AuditEntry> audit = b.audit(10);
        assertEquals(2, audit.size());
        assertEquals("a", audit.get(0).replica());
        assertEquals("backend.update", audit.get(0).action());
    }

    @Test
    void sameServiceChangedOnTwoReplicasAtOnce_secondGetsConflictAndHasTheFirstsState() throws Exception {
        ControlPlane a = replica("a");
        ControlPlane b = replica("b");
        List<String> heard = listen(b);
        server.pause("b"); // b has not heard of a's change when it makes its own (no watch event, no catch-up read)
        a.switchStrategy("shop", LC, Map.of(), "alice");
        AdminException e = assertThrows(AdminException.class,
                () -> b.updateBackend("shop", "10.0.0.2:8080", 3, null, "bob"));
        assertEquals(AdminException.Kind.CONFLICT, e.kind());
        assertEquals("shop", e.service());
        assertTrue(e.getMessage().contains("replica 'a'"), e.getMessage());
        assertEquals(LC, b.service("shop").strategy(), "the winner's state is in force on the loser");
        assertEquals(1, b.backend("shop", "10.0.0.2:8080").weight(), "the loser's change is not");
        assertEquals(1, server.auditLines().size());
        assertEquals(List.of("a:strategy.switch"), heard, "b's listeners are told of what its failed write adopted");
    }

    @Test
    void otherServiceChangedMeanwhile_changeMadeOnTopOfIt() throws Exception {
        ControlPlane a = replica("a");
        ControlPlane b = replica("b");
        List<String> heard = listen(b);
        server.pause("b");
        a.switchStrategy("cart", LC, Map.of(), "alice");
        b.updateBackend("shop", "10.0.0.2:8080", 3, null, "bob");
        assertEquals(List.of("a:strategy.switch", "b:backend.update"), heard, "what b adopted, then its own change");
        server.resume("b");
        await("a applies b's change", () -> a.stateStatus().revision() == 2);
        for (ControlPlane cp : List.of(a, b)) {
            assertEquals(LC, cp.service("cart").strategy());
            assertEquals(3, cp.backend("shop", "10.0.0.2:8080").weight());
        }
    }

    @Test
    void ifMatch_staleTag_conflictAndNothingChanged() throws Exception {
        ControlPlane a = replica("a");
        ControlPlane b = replica("b");
        String read = b.stateTag("shop");
        a.removeBackend("shop", "10.0.0.1:8080", "alice");
        await("b applies a's change", () -> b.stateStatus().revision() == 1);
        AdminException e = assertThrows(AdminException.class,
                () -> b.switchStrategy("shop", LC, Map.of(), read, "bob"));
        assertEquals(AdminException.Kind.CONFLICT, e.kind());
        assertEquals(RR, b.service("shop").strategy());
        b.switchStrategy("shop", LC, Map.of(), b.stateTag("shop"), "bob");
        assertEquals(LC, b.service("shop").strategy());
    }

    @Test
    void storeLost_changesRefusedServingKept_thenCaughtUp() throws Exception {
        ControlPlane a = replica("a");
        ControlPlane b = replica("b");
        server.setDown(true);
        await("a notices", () -> !a.stateStatus().available());
        AdminException e = assertThrows(AdminException.class,
                () -> a.switchStrategy("shop", LC, Map.of(), "alice"));
        assertEquals(AdminException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("can't be reached"), e.getMessage());
        assertEquals(RR, a.service("shop").strategy());
        assertTrue(a.pool("shop").orElseThrow().hasAvailableBackend(), "still serving");

        server.setDown(false);
        await("b is back", () -> b.stateStatus().available());
        b.switchStrategy("shop", LC, Map.of(), "bob");
        await("a catches up", () -> a.stateStatus().available() && LC.equals(a.service("shop").strategy()));
    }

    @Test
    void newReplica_startsFromTheStoresState() throws Exception {
        ControlPlane a = replica("a");
        a.switchStrategy("shop", LC, Map.of(), "alice");
        a.addBackend("cart", "http://10.0.0.9:8080", 4, "alice");
        ControlPlane c = replica("c");
        assertEquals(2, c.stateStatus().revision());
        assertEquals(LC, c.service("shop").strategy());
        assertEquals(4, c.backend("cart", "10.0.0.9:8080").weight());
        await("both listed", () -> c.replicas().size() == 2);
        assertFalse(c.stateStatus().problem() != null);
    }

    // registrations (issue 7) retry and conflict like backend changes

    @Test
    void register_overtakenByAChangeOfAnotherService_madeOnTopOfIt() {
        ControlPlane a = replica("a");
        ControlPlane b = replica("b");
        server.pause("b"); // b has not heard of a's registration when it makes its own
        a.registrations().register("cart", "http://10.0.0.7:8080", 1, 30_000L, "alice");
        Registrations.Outcome made = b.registrations().register("shop", "http://10.0.0.8:8080", 2, 30_000L, "bob");

        assertTrue(made.created());
        assertEquals(1, b.registrations().list("cart").size(), "a's registration adopted before b's was retried");
        assertEquals(List.of(made.registration().id()),
                b.registrations().list("shop").stream().map(RegistrationView::id).toList());
        assertEquals(2, server.auditLines().size());
    }

    @Test
    void renew_overtakenByAChangeOfTheSameService_conflictNothingChanged() throws InterruptedException {
        ControlPlane a = replica("a");
        ControlPlane b = replica("b");
        String id = a.registrations().register("shop", "http://10.0.0.7:8080", 1, 30_000L, "alice").registration()
                .id();
        await("b applies a's registration", () -> !b.registrations().list("shop").isEmpty());
        server.pause("b");
        a.registrations().register("shop", "http://10.0.0.9:8080", 1, 30_000L, "alice");
        AdminException e = assertThrows(AdminException.class, () -> b.registrations().renew("shop", id, "bob"));
        assertEquals(AdminException.Kind.CONFLICT, e.kind());
        assertEquals(2, b.registrations().list("shop").size(), "the winner's state is in force on the loser");
    }
}
