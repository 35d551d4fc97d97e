package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.DiscoveryTestEnvironment.BACKENDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Service {@code k8s}: the EndpointSlice of Kubernetes Service {@code shop/api} in fabric8's mock API server (CRUD
 * mode, reached through a kubeconfig file), rewritten while traffic runs through the real server; the source breaks
 * by the API server going away.
 */
@QuarkusTest
@TestProfile(DiscoveryProfile.class)
@Timeout(120)
class KubernetesDiscoveryTest {

    static final String K8S_SERVICE = "api";
    /** An endpoint that is terminating (ready=false) in every version of the slice: never a backend. */
    static final String TERMINATING = "127.0.0.9";

    @Inject
    ProxyServer proxy;

    @Test
    void endpointSliceChangedUnderLoad_addedGetsTrafficRemovedDrainsUnreachableApiKeepsLastGoodSet()
            throws Exception {
        KubernetesApi api = DiscoveryTestEnvironment.kubernetes;
        int port = BACKENDS.get("k1").port();
        boolean[] down = {false};
        new MembershipScenario(proxy.actualPort(), "k8s", "kubernetes", new MembershipScenario.Source() {
            @Override
            public void publish(List<TestBackend> members) {
                if (down[0]) {
                    api.restart();
                    down[0] = false;
                }
                api.setEndpoints(K8S_SERVICE, port, members, List.of(TERMINATING));
            }

            @Override
            public void breakDown() {
                api.stop();
                down[0] = true;
            }

            @Override
            public long joinMillis() {
                return 2_000; // a watch event
            }

            @Override
            public String errorMentions() {
                return KubernetesApi.NAMESPACE + "/" + K8S_SERVICE;
            }
        }).run(BACKENDS.get("k1"), BACKENDS.get("k2"), BACKENDS.get("k3"), BACKENDS.get("k4"));

        JsonPath s = AdminClient.service("k8s");
        String k3 = BACKENDS.get("k3").id();
        assertEquals(KubernetesApi.ZONE, s.getString("backends.find { it.id == '" + k3 + "' }.labels.zone"));
        assertTrue(s.getList("backends.id", String.class).stream().noneMatch(id -> id.startsWith(TERMINATING + ":")),
                "a terminating endpoint is not a backend");
    }
}
