package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.DiscoveryTestEnvironment.BACKENDS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Service {@code consul}: Consul service {@code api} (tag {@code primary}, health-passing only) from a recorded
 * Consul HTTP API with blocking queries ({@link RecordedConsul}; Debian has no Consul), changed while traffic runs
 * through the real server; the source breaks by the agent losing its leader (500).
 */
@QuarkusTest
@TestProfile(DiscoveryProfile.class)
@Timeout(120)
class ConsulDiscoveryTest {

    static final String CONSUL_SERVICE = "api";

    @Inject
    ProxyServer proxy;

    /** {@code members} passing with tag primary, plus c5 failing its check and c6 with another tag. */
    static List<RecordedConsul.Instance> instances(List<TestBackend> members) {
        List<RecordedConsul.Instance> out = new ArrayList<>(RecordedConsul.passing(members));
        out.add(new RecordedConsul.Instance(BACKENDS.get("c5"), "critical", List.of("primary")));
        out.add(new RecordedConsul.Instance(BACKENDS.get("c6"), "passing", List.of("canary")));
        return out;
    }

    @Test
    void instancesChangedUnderLoad_addedGetsTrafficRemovedDrainsLeaderlessAgentKeepsLastGoodSet() throws Exception {
        RecordedConsul consul = DiscoveryTestEnvironment.consul;
        new MembershipScenario(proxy.actualPort(), "consul", "consul", new MembershipScenario.Source() {
            @Override
            public void publish(List<TestBackend> members) {
                consul.set(CONSUL_SERVICE, instances(members));
            }

            @Override
            public void breakDown() {
                consul.breakDown();
            }

            @Override
            public long joinMillis() {
                return 2_000; // a blocking query answers at once
            }

            @Override
            public String errorMentions() {
                return "service " + CONSUL_SERVICE;
            }
        }).run(BACKENDS.get("c1"), BACKENDS.get("c2"), BACKENDS.get("c3"), BACKENDS.get("c4"));

        List<String> ids = AdminClient.service("consul").getList("backends.id", String.class);
        assertTrue(!ids.contains(BACKENDS.get("c5").id()) && !ids.contains(BACKENDS.get("c6").id()),
                "only passing instances with the tag: " + ids);
        // blocking queries: with nothing changing, one query per wait (2 s), not a poll loop
        int before = consul.queries();
        Thread.sleep(2_500);
        int during = consul.queries() - before;
        assertTrue(during >= 1 && during <= 2, during + " queries answered in 2.5 s of quiet (wait 2 s)");
    }
}
