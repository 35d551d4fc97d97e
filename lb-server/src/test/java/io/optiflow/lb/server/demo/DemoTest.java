package io.optiflow.lb.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With lb.demo.enabled and nothing else configured, traffic flows at once over three in-process backends. */
@QuarkusTest
@TestProfile(DemoTest.DemoProfile.class)
@Timeout(60)
class DemoTest {

    public static class DemoProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of("lb.demo.enabled", "true", "lb.demo.rps", "50", "lb.admin.password", "test-operator-pw",
                        "lb.data.dir", Files.createTempDirectory("lb-demo-data").toString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Inject
    ControlPlane controlPlane;

    @Inject
    ProxyServer proxy;

    @Test
    void demo_enabled_syntheticLoadReachesAllThreeBackends() throws Exception {
        ServiceView demo = controlPlane.service(DemoBackends.SERVICE);
        assertEquals(3, demo.backends().size());
        // Bounded wait: 50 req/s of synthetic load spread over three backends.
        boolean allUsed = false;
        for (int i = 0; i < 100 && !allUsed; i++) {
            allUsed = controlPlane.service(DemoBackends.SERVICE).backends().stream().allMatch(b -> b.requests() > 0);
            if (!allUsed) {
                Thread.sleep(100);
            }
        }
        assertTrue(allUsed, "every demo backend took some of the synthetic load: "
                + controlPlane.service(DemoBackends.SERVICE).backends().stream().map(BackendView::requests).toList());
    }

    @Test
    void demo_enabled_proxyAnswersFromDemoBackends() throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.actualPort() + "/"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("hello from demo backend"), r.body());
    }
}
