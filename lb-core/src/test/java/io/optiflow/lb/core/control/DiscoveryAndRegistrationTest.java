package io.optiflow.lb.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.DiscoveredBackend;
import io.optiflow.lb.core.config.DiscoverySpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.core.support.RoundRobinTestProvider;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The control plane's discovery membership and self-registrations, on a real data folder. */
@Timeout(30)
class DiscoveryAndRegistrationTest {

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "discovery-test");
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

    /** A wall clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
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
            return now;
        }
    }

    private ControlPlane started(boolean allowEmpty) {
        ControlPlane cp = new ControlPlane(registry, dir, new ManualTicker(), new SeededRandom(7), scheduler, clock);
        planes.add(cp);
        ServiceSpec spec = new ServiceSpec("web", List.of(BackendSpec.parse("http://10.0.0.1:80")),
                RoundRobinTestProvider.NAME, Map.of(), HealthPolicy.defaults(), 0,
                new DiscoverySpec("file", Map.of("path", "x.json"), allowEmpty));
        cp.start(List.of(spec));
        return cp;
    }

    private static DiscoveredBackend found(String url, String zone) {
        return new DiscoveredBackend(BackendSpec.parse(url), zone == null ? Map.of() : Map.of("zone", zone));
    }

    private static Map<String, BackendView> backends(ControlPlane cp) {
        Map<String, BackendView> out = new TreeMap<>();
        for (BackendView b : cp.service("web").backends()) {
            out.put(b.id(), b);
        }
        return out;
    }

    @Test
    void update_newAnswer_backendsJoinWithOriginAndLabels_goneOnesDropped() {
        ControlPlane cp = started(false);
        cp.discovery().update("web", List.of(found("http://10.0.0.2:80;weight=3", "a"), found("http://10.0.0.3:80", "b")));
        Map<String, BackendView> b = backends(cp);
        assertEquals(List.of("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"), List.copyOf(b.keySet()));
        assertEquals("config", b.get("10.0.0.1:80").origin());
        assertEquals("file", b.get("10.0.0.2:80").origin());
        assertEquals(3, b.get("10.0.0.2:80").weight());
        assertEquals(Map.of("zone", "a"), b.get("10.0.0.2:80").labels());

        cp.discovery().update("web", List.of(found("http://10.0.0.3:80", "b")));
        assertEquals(List.of("10.0.0.1:80", "10.0.0.3:80"), List.copyOf(backends(cp).keySet()));
        DiscoveryStatus s = cp.discovery().status("web").orElseThrow();
        assertEquals(1, s.backends());
        assertEquals(clock.instant(), s.lastSuccess());
        assertFalse(s.failing());
    }

    @Test
    void update_emptyAnswer_ignoredAndReported_unlessAllowed() {
        ControlPlane cp = started(false);
        cp.discovery().update("web", List.of(found("http://10.0.0.2:80", null)));
        cp.discovery().update("web", List.of());
        assertTrue(backends(cp).containsKey("10.0.0.2:80"), "an empty answer keeps the last good set");
        DiscoveryStatus s = cp.discovery().status("web").orElseThrow();
        assertTrue(s.failing());
        assertEquals(1, s.errors());
        assertTrue(s.lastError().contains("allow-empty"), s.lastError());
    }

    @Test
    void update_emptyAnswerAllowed_discoveredBackendsLeave() {
        ControlPlane cp = started(true);
        cp.discovery().update("web", List.of(found("http://10.0.0.2:80", null)));
        cp.discovery().update("web", List.of());
        assertEquals(List.of("10.0.0.1:80"), List.copyOf(backends(cp).keySet()), "config backends stay");
    }

    @Test
    void failed_sourceBroken_lastGoodSetKeptAndCounted() {
        ControlPlane cp = started(false);
        cp.discovery().update("web", List.of(found("http://10.0.0.2:80", null)));
        cp.discovery().failed("web", "connection refused");
        assertTrue(backends(cp).containsKey("10.0.0.2:80"));
        DiscoveryStatus s = cp.discovery().status("web").orElseThrow();
        assertEquals("connection refused", s.lastError());
        assertEquals(1, s.backends());
        assertTrue(s.failing());
    }

    @Test
    void update_overrideOnDiscoveredBackend_appliesAgainWhenItComesBack() {
        ControlPlane cp = started(false);
        cp.discovery().update("web", List.of(found("http://10.0.0.2:80", null), found("http://10.0.0.3:80", null)));
        cp.updateBackend("web", "10.0.0.2:80", 7, AdminState.DRAINING, "alice");
        cp.discovery().update("web", List.of(found("http://10.0.0.3:80", null)));
        assertFalse(backends(cp).containsKey("10.0.0.2:80"));
        cp.discovery().update("web", List.of(found("http://10.0.0.2:80", null), found("http://10.0.0.3:80", null)));
        BackendView back = backends(cp).get("10.0.0.2:80");
        assertEquals(7, back.weight());
        assertEquals(AdminState.DRAINING, back.state());
        assertEquals("file", back.origin());
        cp.resetBackend("web", "10.0.0.2:80", "alice");
        assertEquals(1, backends(cp).get("10.0.0.2:80").weight());
    }

    @Test
    void update_addressOfAConfigBackend_staysConfig() {
        ControlPlane cp = started(false);
        cp.discovery().update("web", List.of(found("http://10.0.0.1:80;weight=9", null)));
        BackendView b = backends(cp).get("10.0.0.1:80");
        assertEquals("config", b.origin());
        assertEquals(1, b.weight());
    }

    @Test
    void removeBackend_discoveredBackend_conflictNamingTheSource() {
        ControlPlane cp = started(false);
        cp.discovery().update("web", List.of(found("http://10.0.0.2:80", null)));
        AdminException e = assertThrows(AdminException.class, () -> cp.removeBackend("web", "10.0.0.2:80", "alice"));
        assertEquals(AdminException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("file"), e.getMessage());
    }

    @Test
    void register_renew_expire_deregister_savedAndAudited() throws Exception {
        ControlPlane cp = started(false);
        Registrations.Outcome made = cp.registrations().register("web", "http://10.0.0.5:80", 2, 10_000L, "svc-a");
        assertTrue(made.created());
        RegistrationView r = made.registration();
        assertEquals(clock.instant().plusSeconds(10), r.expiresAt());
        BackendView b = backends(cp).get("10.0.0.5:80");
        assertEquals("registration", b.origin());
        assertEquals(2, b.weight());
        String saved = Files.readString(dir.resolve("state.json"), StandardCharsets.UTF_8);
        assertTrue(saved.contains(r.id()) && saved.contains("http://10.0.0.5:80"), saved);

        clock.advance(Duration.ofSeconds(8));
        RegistrationView renewed = cp.registrations().renew("web", r.id(), "svc-a");
        assertEquals(clock.instant().plusSeconds(10), renewed.expiresAt());
        Registrations.Outcome again = cp.registrations().register("web", "http://10.0.0.5:80", 2, 10_000L, "svc-a");
        assertFalse(again.created(), "the same URL registered again renews");
        assertEquals(r.id(), again.registration().id());

        Registrations.Outcome other = cp.registrations().register("web", "http://10.0.0.6:80", null, null, "svc-b");
        clock.advance(Duration.ofSeconds(9));
        cp.registrations().expireDue();
        assertTrue(backends(cp).containsKey("10.0.0.5:80"), "renewed one stays");
        assertTrue(backends(cp).containsKey("10.0.0.6:80"), "30 s default TTL not over");
        clock.advance(Duration.ofSeconds(2));
        cp.registrations().expireDue();
        assertFalse(backends(cp).containsKey("10.0.0.5:80"), "expired one left");
        assertEquals(List.of(other.registration().id()),
                cp.registrations().list("web").stream().map(RegistrationView::id).toList());

        cp.registrations().deregister("web", other.registration().id(), "svc-b");
        assertFalse(backends(cp).containsKey("10.0.0.6:80"));
        List<String> actions = cp.audit(10).stream().map(a -> a.actor() + " " + a.action()).toList();
        assertEquals(List.of("svc-b registration.remove", "ttl registration.expire", "svc-b registration.add",
                "svc-a registration.renew", "svc-a registration.renew", "svc-a registration.add"), actions);
        assertThrows(AdminException.class, () -> cp.registrations().renew("web", r.id(), "svc-a"));
    }

    @Test
    void register_savedRegistration_backAfterRestart() {
        ControlPlane cp = started(false);
        RegistrationView r = cp.registrations().register("web", "http://10.0.0.5:80", 4, 60_000L, "svc").registration();
        cp.close();
        ControlPlane again = started(false);
        assertEquals("registration", backends(again).get("10.0.0.5:80").origin());
        assertEquals(4, backends(again).get("10.0.0.5:80").weight());
        assertEquals(r, again.registrations().list("web").get(0));
    }

    @Test
    void register_badInput_everyErrorNamed_nothingChanged() {
        ControlPlane cp = started(false);
        AdminException e = assertThrows(AdminException.class,
                () -> cp.registrations().register("web", "ftp://x", 0, 10L, "svc"));
        assertEquals(AdminException.Kind.INVALID, e.kind());
        assertEquals(3, e.errors().size(), e.errors().toString());
        AdminException conflict = assertThrows(AdminException.class,
                () -> cp.registrations().register("web", "http://10.0.0.1:80", null, null, "svc"));
        assertEquals(AdminException.Kind.CONFLICT, conflict.kind());
        assertNotEquals(null, conflict.getMessage());
        assertTrue(cp.registrations().list("web").isEmpty());
    }
}
