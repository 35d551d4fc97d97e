package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.DiscoveryTestEnvironment.BACKENDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Services {@code dns-srv} (SRV records, refresh 500 ms) and {@code dns-a} (A records, TTL 1 s) asking a real
 * dnsmasq on loopback, restarted with new records while traffic runs through the real server.
 */
@QuarkusTest
@TestProfile(DiscoveryProfile.class)
@Timeout(120)
class DnsDiscoveryTest {

    static final String SRV_NAME = "_http._tcp.api." + Dnsmasq.DOMAIN;
    static final String A_NAME = "api." + Dnsmasq.DOMAIN;
    /** Every SRV record carries this weight: the backends get it. */
    static final int SRV_WEIGHT = 7;
    /** A record of a worse priority (RFC 2782: used only when no better one is left): never a backend. */
    static final Dnsmasq.Srv BACKUP = new Dnsmasq.Srv(SRV_NAME, "backup." + Dnsmasq.DOMAIN, 1, 10, 1);

    private static List<TestBackend> srvMembers;
    private static List<TestBackend> aMembers;

    @Inject
    ProxyServer proxy;

    /** The SRV target of a backend: {@code i<port>.svc.test}. */
    private static String target(TestBackend b) {
        return "i" + b.port() + "." + Dnsmasq.DOMAIN;
    }

    /** Host records: every SRV target (and the backup) on 127.0.0.1, the A name on each of {@code a}. */
    static List<Dnsmasq.Host> hosts(List<TestBackend> srvTargets, List<TestBackend> a) {
        List<Dnsmasq.Host> out = new ArrayList<>();
        for (TestBackend b : srvTargets) {
            out.add(new Dnsmasq.Host(target(b), "127.0.0.1"));
        }
        out.add(new Dnsmasq.Host(BACKUP.target(), "127.0.0.1"));
        for (TestBackend b : a) {
            out.add(new Dnsmasq.Host(A_NAME, b.id().substring(0, b.id().lastIndexOf(':'))));
        }
        return out;
    }

    /** SRV records for {@code members} (priority 0, weight {@link #SRV_WEIGHT}) and the backup. */
    static List<Dnsmasq.Srv> srvs(List<TestBackend> members) {
        List<Dnsmasq.Srv> out = new ArrayList<>();
        for (TestBackend b : members) {
            out.add(new Dnsmasq.Srv(SRV_NAME, target(b), b.port(), 0, SRV_WEIGHT));
        }
        out.add(BACKUP);
        return out;
    }

    /** Restarts dnsmasq serving these SRV members and A members (null: keep the current ones). */
    private static synchronized void serve(List<TestBackend> srv, List<TestBackend> a) throws Exception {
        if (srvMembers == null) {
            srvMembers = List.of(BACKENDS.get("s1"), BACKENDS.get("s2"));
            aMembers = List.of(BACKENDS.get("a1"));
        }
        srvMembers = srv == null ? srvMembers : srv;
        aMembers = a == null ? aMembers : a;
        DiscoveryTestEnvironment.dnsmasq.restart(hosts(List.of(BACKENDS.get("s1"), BACKENDS.get("s2"),
                BACKENDS.get("s3"), BACKENDS.get("s4")), aMembers), srvs(srvMembers));
    }

    @Test
    void srvRecordsChangedByRestartUnderLoad_addedGetsTrafficRemovedDrainsStoppedServerKeepsLastGoodSet()
            throws Exception {
        new MembershipScenario(proxy.actualPort(), "dns-srv", "dns", new MembershipScenario.Source() {
            @Override
            public void publish(List<TestBackend> members) throws Exception {
                serve(members, null);
            }

            @Override
            public void breakDown() {
                DiscoveryTestEnvironment.dnsmasq.stop();
            }

            @Override
            public long joinMillis() {
                return 2_000; // refresh 500 ms + a query
            }

            @Override
            public String errorMentions() {
                return SRV_NAME;
            }
        }).run(BACKENDS.get("s1"), BACKENDS.get("s2"), BACKENDS.get("s3"), BACKENDS.get("s4"));

        JsonPath s = AdminClient.service("dns-srv");
        String s3 = BACKENDS.get("s3").id();
        assertEquals(SRV_WEIGHT, s.getInt("backends.find { it.id == '" + s3 + "' }.weight"), "weight from SRV");
        assertEquals(target(BACKENDS.get("s3")), s.getString("backends.find { it.id == '" + s3 + "' }.labels.target"));
        assertFalse(s.getList("backends.id").contains("127.0.0.1:1"), "a worse-priority record is not used");
    }

    @Test
    void aRecordsChangedByRestartUnderLoad_newAddressGetsTrafficWithinTtl_oldOneLeavesWithoutFailure()
            throws Exception {
        String a1 = BACKENDS.get("a1").id();
        String a2 = BACKENDS.get("a2").id();
        Await.until(10_000, "the A record is applied", () -> AdminClient.service("dns-a").getList("backends.id")
                .contains(a1));
        try (Traffic traffic = new Traffic(proxy.actualPort(), "/dns-a/x", 2)) {
            long changed = System.nanoTime();
            serve(null, List.of(BACKENDS.get("a1"), BACKENDS.get("a2")));
            Await.until(3_000, "the new address answers (TTL 1 s)", () -> traffic.hitsOf(a2, changed) > 0);
            serve(null, List.of(BACKENDS.get("a2")));
            Await.until(3_000, "the old address is gone", () -> !AdminClient.service("dns-a").getList("backends.id")
                    .contains(a1));
            long gone = System.nanoTime();
            Await.until(3_000, "traffic after the change", () -> traffic.hitsOf(a2, gone) > 20);
            traffic.close();
            assertEquals(0, traffic.hitsOf(a1, gone), "no request to the removed address");
            assertEquals(List.of(), traffic.failures(), "no failed request over the changes");
        }
    }
}
