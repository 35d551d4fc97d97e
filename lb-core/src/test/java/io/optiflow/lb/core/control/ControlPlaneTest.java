package io.optiflow.lb.core.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.DefaultServicePool;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.core.support.CountingLeastConnProvider;
import io.optiflow.lb.core.support.RoundRobinTestProvider;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ControlPlaneTest {

    private static final String RR = RoundRobinTestProvider.NAME;
    private static final String LC = CountingLeastConnProvider.NAME;

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "control-plane-test");
        t.setDaemon(true);
        return t;
    });
    private final StrategyRegistry registry = StrategyRegistry.create(null);
    private final List<ControlPlane> planes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        planes.forEach(ControlPlane::close);
        registry.close();
        scheduler.shutdownNow();
    }

    private ControlPlane plane() {
        ControlPlane cp = new ControlPlane(registry, dir, new ManualTicker(), new SeededRandom(7), scheduler,
                Clock.fixed(Instant.parse("2026-11-26T15:00:00Z"), ZoneOffset.UTC));
        planes.add(cp);
        return cp;
    }

    private static ServiceSpec shop(String... urls) {
        List<BackendSpec> backends = new ArrayList<>();
        for (String u : urls) {
            backends.add(BackendSpec.parse(u));
        }
        return new ServiceSpec("shop", backends, RR, Map.of(), HealthPolicy.defaults());
    }

    private static ServiceSpec defaultShop() {
        return shop("http://10.0.0.1:8080", "http://10.0.0.2:8080;weight=3");
    }

    private ControlPlane started() {
        ControlPlane cp = plane();
        cp.start(List.of(defaultShop()));
        return cp;
    }

    private Path stateFile() {
        return dir.resolve("state.json");
    }

    @Test
    void start_validConfig_poolPicksConfiguredBackends() {
        ControlPlane cp = started();
        DefaultServicePool pool = (DefaultServicePool) cp.pool("shop").orElseThrow();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            PickResult r = pool.selector().pick(RequestContext.EMPTY);
            assertTrue(r.isBackend());
            seen.add(r.backend().id());
        }
        assertEquals(Set.of("10.0.0.1:8080", "10.0.0.2:8080"), seen);
        ServiceView v = cp.service("shop");
        assertEquals(RR, v.strategy());
        assertFalse(v.strategyOverridden());
        assertEquals(3, v.backends().get(1).weight());
        assertEquals("config", v.backends().get(0).origin());
        assertTrue(cp.pool("nope").isEmpty());
        assertFalse(Files.exists(stateFile()), "start alone writes no state");
    }

    @Test
    void start_badStaticConfig_listsEveryError() {
        ServiceSpec unknown = new ServiceSpec("a", List.of(), "no-such-strategy", Map.of(), null);
        ServiceSpec badConfig = new ServiceSpec("b", List.of(), LC, Map.of("bias", "500", "zzz", "1"), null);
        ServiceSpec dup = new ServiceSpec("c", List.of(BackendSpec.parse("http://h:1"), BackendSpec.parse("http://h:1")),
                RR, Map.of(), null);
        ServiceSpec badHealth = new ServiceSpec("d", List.of(), RR, Map.of(),
                new HealthPolicy(true, "/", 1, 1, 0, 1, 5, 10, 20, 150));
        AdminException e = assertThrows(AdminException.class,
                () -> plane().start(List.of(unknown, badConfig, dup, badHealth)));
        assertEquals(AdminException.Kind.INVALID, e.kind());
        List<String> errors = e.errors();
        assertEquals(6, errors.size(), errors::toString);
        assertTrue(errors.contains("lb.services.d.health.rise: 0 (expected: >= 1)"), errors::toString);
        assertTrue(errors.contains("lb.services.d.health.max-ejected-percent: 150 (expected: 0..100)"),
                errors::toString);
        assertFalse(Files.exists(dir.resolve("state.json")), "a refused start writes nothing");
        assertTrue(errors.get(0).startsWith("lb.services.a.strategy: 'no-such-strategy'"), errors::toString);
        assertTrue(errors.get(0).contains(RR), "the error lists what is available: " + errors);
        assertTrue(errors.stream().anyMatch(s -> s.startsWith("lb.services.b.strategy-config.bias:")), errors::toString);
        assertTrue(errors.stream().anyMatch(s -> s.startsWith("lb.services.b.strategy-config.zzz:")), errors::toString);
        assertTrue(errors.stream().anyMatch(s -> s.startsWith("lb.services.c.backends: duplicate backend id 'h:1'")),
                errors::toString);
    }

    @Test
    void switchStrategy_valid_inForcePersistedAndSeenAfterRestart() {
        ControlPlane cp = started();
        ServiceView v = cp.switchStrategy("shop", LC, Map.of("bias", "7"), "alice");
        assertEquals(LC, v.strategy());
        assertTrue(v.strategyOverridden());
        assertEquals(RR, v.configuredStrategy());
        assertEquals(1, v.strategySwitches());
        assertEquals(Map.of("bias", "7"), v.strategyConfig());
        cp.close();

        ControlPlane again = plane();
        again.start(List.of(defaultShop()));
        ServiceView after = again.service("shop");
        assertEquals(LC, after.strategy());
        assertEquals(Map.of("bias", "7"), after.strategyConfig());
        assertTrue(after.strategyOverridden());
        assertEquals(7, ((CountingLeastConnProvider.Counting) ((DefaultServicePool) again.pool("shop").orElseThrow())
                .strategy().strategy()).bias);
    }

    @Test
    void switchStrategy_badConfig_invalidAndNothingChanges() throws Exception {
        ControlPlane cp = started();
        cp.switchStrategy("shop", LC, Map.of("bias", "1"), "alice");
        byte[] before = Files.readAllBytes(stateFile());
        AdminException e = assertThrows(AdminException.class,
                () -> cp.switchStrategy("shop", LC, Map.of("bias", "101"), "bob"));
        assertEquals(AdminException.Kind.INVALID, e.kind());
        assertTrue(e.errors().get(0).startsWith("bias: '101'"), e.errors()::toString);
        AdminException unknown = assertThrows(AdminException.class,
                () -> cp.switchStrategy("shop", "no-such", Map.of(), "bob"));
        assertEquals(AdminException.Kind.INVALID, unknown.kind());
        AdminException failing = assertThrows(AdminException.class,
                () -> cp.switchStrategy("shop", RR, Map.of("fail-update", "true"), "bob"));
        assertEquals(AdminException.Kind.INVALID, failing.kind());
        assertArrayEquals(before, Files.readAllBytes(stateFile()), "state file unchanged");
        ServiceView v = cp.service("shop");
        assertEquals(LC, v.strategy());
        assertEquals(Map.of("bias", "1"), v.strategyConfig());
        assertEquals(1, v.strategySwitches());
        assertEquals(1, cp.audit(10).size(), "refused changes are not audited");
        assertEquals(AdminException.Kind.NOT_FOUND,
                assertThrows(AdminException.class, () -> cp.switchStrategy("nope", LC, Map.of(), "bob")).kind());
    }

    @Test
    void resetStrategy_afterSwitch_backToConfiguredAndOverrideGoneFromFile() throws Exception {
        ControlPlane cp = started();
        cp.switchStrategy("shop", LC, Map.of(), "alice");
        ServiceView v = cp.resetStrategy("shop", "bob");
        assertEquals(RR, v.strategy());
        assertFalse(v.strategyOverridden());
        assertFalse(Files.readString(stateFile()).contains(LC), Files.readString(stateFile()));
        ControlPlane again = plane();
        cp.close();
        again.start(List.of(defaultShop()));
        assertEquals(RR, again.service("shop").strategy());
    }

    @Test
    void backendChanges_addUpdateRemove_surviveRestart() {
        ControlPlane cp = started();
        BackendView added = cp.addBackend("shop", "http://10.0.0.3:9000", 5, "alice");
        assertEquals("runtime", added.origin());
        assertEquals(5, added.weight());
        BackendView drained = cp.updateBackend("shop", "10.0.0.1:8080", 7, AdminState.DRAINING, "alice");
        assertEquals(7, drained.weight());
        assertTrue(drained.weightOverridden());
        assertEquals(AdminState.DRAINING, drained.state());
        assertTrue(drained.stateOverridden());
        cp.removeBackend("shop", "10.0.0.2:8080", "alice");
        cp.close();

        ControlPlane again = plane();
        again.start(List.of(defaultShop()));
        List<BackendView> bs = again.service("shop").backends();
        assertEquals(List.of("10.0.0.1:8080", "10.0.0.3:9000"), bs.stream().map(BackendView::id).toList());
        assertEquals(7, bs.get(0).weight());
        assertEquals(AdminState.DRAINING, bs.get(0).state());
        assertEquals("runtime", bs.get(1).origin());
        assertEquals(5, bs.get(1).weight());
        // the drained one takes no new requests: only the added backend is picked
        DefaultServicePool pool = (DefaultServicePool) again.pool("shop").orElseThrow();
        for (int i = 0; i < 5; i++) {
            assertEquals("10.0.0.3:9000", pool.selector().pick(RequestContext.EMPTY).backend().id());
        }
    }

    @Test
    void writeMethods_badInput_rightKindAndNothingWritten() {
        ControlPlane cp = started();
        assertKind(AdminException.Kind.INVALID, () -> cp.addBackend("shop", "ftp://x:1", null, "a"));
        assertKind(AdminException.Kind.INVALID, () -> cp.addBackend("shop", "http://x:1", 0, "a"));
        assertKind(AdminException.Kind.INVALID, () -> cp.addBackend("shop", "http://x:1", 10_001, "a"));
        assertKind(AdminException.Kind.CONFLICT, () -> cp.addBackend("shop", "http://10.0.0.1:8080", null, "a"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> cp.addBackend("nope", "http://x:1", null, "a"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> cp.updateBackend("shop", "x:1", 2, null, "a"));
        assertKind(AdminException.Kind.INVALID, () -> cp.updateBackend("shop", "10.0.0.1:8080", -3, null, "a"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> cp.removeBackend("shop", "x:1", "a"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> cp.resetBackend("shop", "x:1", "a"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> cp.service("nope"));
        assertFalse(Files.exists(stateFile()));
        assertTrue(cp.audit(100).isEmpty());
    }

    private static void assertKind(AdminException.Kind kind, Runnable r) {
        AdminException e = assertThrows(AdminException.class, r::run);
        assertEquals(kind, e.kind(), e.getMessage());
        assertFalse(e.errors().isEmpty());
    }

    @Test
    void resetBackend_afterUpdate_configuredValuesBack() {
        ControlPlane cp = started();
        cp.updateBackend("shop", "10.0.0.2:8080", 9, AdminState.DISABLED, "alice");
        BackendView v = cp.resetBackend("shop", "10.0.0.2:8080", "alice");
        assertEquals(3, v.weight());
        assertEquals(AdminState.ENABLED, v.state());
        assertFalse(v.weightOverridden());
        assertFalse(v.stateOverridden());
        cp.close();
        ControlPlane again = plane();
        again.start(List.of(defaultShop()));
        assertEquals(3, again.backend("shop", "10.0.0.2:8080").weight());
    }

    @Test
    void audit_changes_whoWhatBeforeAfterNewestFirstAndReloaded() {
        ControlPlane cp = started();
        List<AuditEntry> heard = new ArrayList<>();
        cp.addListener(heard::add);
        cp.switchStrategy("shop", LC, Map.of("bias", "2"), "alice");
        cp.updateBackend("shop", "10.0.0.1:8080", 4, null, "bob");
        cp.removeBackend("shop", "10.0.0.2:8080", "carol");
        List<AuditEntry> a = cp.audit(10);
        assertEquals(3, a.size());
        List<AuditEntry> newestFirst = new ArrayList<>(heard);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, a, "listeners hear each acknowledged change");
        assertEquals("carol", a.get(0).actor());
        assertEquals("backend.remove", a.get(0).action());
        assertEquals("shop/10.0.0.2:8080", a.get(0).target());
        assertNull(a.get(0).after());
        assertTrue(a.get(1).before().contains("\"weight\":1") && a.get(1).after().contains("\"weight\":4"),
                a.get(1).toString());
        assertEquals("strategy.switch", a.get(2).action());
        assertTrue(a.get(2).before().contains(RR) && a.get(2).after().contains(LC), a.get(2).toString());
        assertEquals(Instant.parse("2026-11-26T15:00:00Z"), a.get(2).at());
        assertEquals(1, cp.audit(1).size());
        cp.close();
        ControlPlane again = plane();
        again.start(List.of(defaultShop()));
        assertEquals(a, again.audit(10));
    }

    @Test
    void audit_badLineInFile_skippedOthersKept() throws Exception {
        ControlPlane cp = started();
        cp.updateBackend("shop", "10.0.0.1:8080", 4, null, "bob");
        cp.close();
        Files.writeString(dir.resolve("audit.jsonl"), "{not json\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        ControlPlane again = plane();
        again.start(List.of(defaultShop()));
        assertEquals(1, again.audit(10).size());
        again.updateBackend("shop", "10.0.0.1:8080", 5, null, "bob");
        assertEquals(2, again.audit(10).size());
    }

    @Test
    void start_corruptStateFile_stateFileExceptionAndFileUntouched() throws Exception {
        Files.createDirectories(dir);
        byte[] garbage = "{\"services\": {\"shop\": ".getBytes(StandardCharsets.UTF_8);
        Files.write(stateFile(), garbage);
        StateFileException e = assertThrows(StateFileException.class, () -> plane().start(List.of(defaultShop())));
        assertEquals(stateFile(), e.file());
        assertTrue(e.getMessage().contains("state.json"), e.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(stateFile()));

        Files.writeString(stateFile(), "{\"services\":{\"shop\":{\"backends\":{\"10.0.0.1:8080\":{\"weight\":0}}}}}");
        StateFileException e2 = assertThrows(StateFileException.class, () -> plane().start(List.of(defaultShop())));
        assertTrue(e2.getMessage().contains("services.shop.backends.10.0.0.1:8080.weight"), e2.getMessage());
    }

    @Test
    void start_overrideOfUnavailableStrategyAndUnknownService_configuredUsedAndKeptInFile() throws Exception {
        Files.writeString(stateFile(), "{\"version\":1,\"services\":{"
                + "\"shop\":{\"strategy\":{\"name\":\"gone-plugin\",\"config\":{\"x\":\"1\"}}},"
                + "\"old\":{\"removed\":[\"a:1\"]}}}");
        ControlPlane cp = plane();
        cp.start(List.of(defaultShop()));
        ServiceView v = cp.service("shop");
        assertEquals(RR, v.strategy());
        assertFalse(v.strategyOverridden());
        cp.updateBackend("shop", "10.0.0.1:8080", 2, null, "alice");
        String saved = Files.readString(stateFile());
        assertTrue(saved.contains("gone-plugin"), saved);
        assertTrue(saved.contains("\"old\""), saved);
    }

    @Test
    void write_stateFileCannotBeSaved_illegalStateAndChangeUndone() throws Exception {
        ControlPlane cp = started();
        Files.createDirectories(dir.resolve("state.json.tmp")); // a folder where the temp file must go
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cp.updateBackend("shop", "10.0.0.1:8080", 9, null, "alice"));
        assertTrue(e.getMessage().contains("state.json"), e.getMessage());
        assertEquals(1, cp.backend("shop", "10.0.0.1:8080").weight());
        assertThrows(IllegalStateException.class, () -> cp.switchStrategy("shop", LC, Map.of(), "alice"));
        assertEquals(RR, cp.service("shop").strategy());
        assertThrows(IllegalStateException.class, () -> cp.removeBackend("shop", "10.0.0.1:8080", "alice"));
        assertEquals(2, cp.service("shop").backends().size());
        assertTrue(cp.audit(10).isEmpty());
        assertFalse(Files.exists(stateFile()));
    }

    @Test
    void removeBackend_configuredThenAddedBack_runtimeOriginAndSurvivesRestart() {
        ControlPlane cp = started();
        cp.removeBackend("shop", "10.0.0.1:8080", "alice");
        cp.addBackend("shop", "https://10.0.0.1:8080", 2, "alice");
        cp.close();
        ControlPlane again = plane();
        again.start(List.of(defaultShop()));
        BackendView b = again.backend("shop", "10.0.0.1:8080");
        assertEquals("https://10.0.0.1:8080", b.url());
        assertEquals("runtime", b.origin());
        again.removeBackend("shop", "10.0.0.1:8080", "alice");
        again.close();
        ControlPlane third = plane();
        third.start(List.of(defaultShop()));
        assertEquals(List.of("10.0.0.2:8080"),
                third.service("shop").backends().stream().map(BackendView::id).toList());
    }

    @Test
    void updateBackend_sameValues_nothingWritten() {
        ControlPlane cp = started();
        Object selector = cp.pool("shop").orElseThrow().selector();
        BackendView v = cp.updateBackend("shop", "10.0.0.2:8080", 3, AdminState.ENABLED, "alice");
        assertFalse(v.weightOverridden());
        assertFalse(Files.exists(stateFile()));
        assertTrue(cp.audit(5).isEmpty());
        assertSame(selector, cp.pool("shop").orElseThrow().selector(), "nothing published");
    }

    @Test
    void writes_fromManyThreadsAtOnce_allSerializedSavedAndAudited() throws Exception {
        ControlPlane cp = started();
        int threads = 4;
        int each = 25;
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tt = t;
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        cp.addBackend("shop", "http://10.1." + tt + "." + i + ":80", 1 + i, "worker-" + tt);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join(20_000);
            assertFalse(th.isAlive());
        }
        assertTrue(errors.isEmpty(), errors::toString);
        assertEquals(2 + threads * each, cp.service("shop").backends().size());
        assertEquals(threads * each, cp.audit(1_000).size());
        cp.close();
        ControlPlane again = plane();
        again.start(List.of(defaultShop()));
        assertEquals(2 + threads * each, again.service("shop").backends().size());
        assertEquals(13, again.backend("shop", "10.1.3.12:80").weight());
        assertEquals(threads * each, again.audit(1_000).size());
    }

    @Test
    void start_leftoverTempFileFromCrash_removedAndStateJsonUsed() throws Exception {
        ControlPlane cp = started();
        cp.updateBackend("shop", "10.0.0.1:8080", 6, null, "alice");
        cp.close();
        Files.writeString(dir.resolve("state.json.tmp"), "{\"services\": {\"shop\": {\"backends\": "); // torn write
        ControlPlane again = plane();
        again.start(List.of(defaultShop()));
        assertEquals(6, again.backend("shop", "10.0.0.1:8080").weight());
        assertFalse(Files.exists(dir.resolve("state.json.tmp")));
        assertFalse(Files.exists(dir.resolve("state.json.tmp.tmp")));
    }

    @Test
    void start_twice_illegalState() {
        ControlPlane cp = started();
        assertThrows(IllegalStateException.class, () -> cp.start(List.of(defaultShop())));
    }
}
