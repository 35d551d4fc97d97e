package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code lb.health.ready-requires-backends=true}, the opt-in for one-service deployments: readiness DOWN while a
 * service has no backend that can take traffic (by default it stays UP, see ResilienceTest). Two services on real
 * sockets: {@code live} (one backend answering 200) and {@code dead} (its only backend's port refuses connections).
 */
@QuarkusTest
@TestProfile(ReadyRequiresBackendsTest.OptIn.class)
@Timeout(60)
class ReadyRequiresBackendsTest {

    @Inject
    ProxyServer proxy;

    @Test
    void readiness_optedInAndOneServiceWithoutBackends_downNamingItWhileTheOtherIsServed() throws Exception {
        HttpResponse<String> ready = null;
        for (int i = 0; i < 100; i++) { // the dead backend fails its first check within ~200 ms
            ready = LbTestSupport.readiness();
            if (ready.statusCode() == 503) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().matches("(?s).*\"no-healthy-backend\"\\s*:\\s*\"dead\".*"), ready.body());
        assertTrue(ready.body().matches("(?s).*\"ready-requires-backends\"\\s*:\\s*true.*"), ready.body());
        // unready only tells the orchestrator; the LB itself keeps serving what it can
        assertEquals(200, LbTestSupport.get(proxy.actualPort(), "/live/x").statusCode());
    }

    public static class OptIn implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lb.health.ready-requires-backends", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TwoServices.class));
        }
    }

    /** A backend answering 200, and a port bound but not listening (held until the end: nobody else gets it). */
    public static class TwoServices implements QuarkusTestResourceLifecycleManager {

        private HttpServer live;
        private Socket dead;

        @Override
        public Map<String, String> start() {
            try {
                live = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
                live.createContext("/", exchange -> {
                    byte[] body = "live".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                live.start();
                dead = new Socket();
                dead.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                return Map.of(
                        "lb.data.dir", Files.createTempDirectory("lb-ready-test").toString(),
                        "lb.services.live.backends", "http://127.0.0.1:" + live.getAddress().getPort(),
                        "lb.services.live.match.path-prefix", "/live",
                        "lb.services.dead.backends", "http://127.0.0.1:" + dead.getLocalPort(),
                        "lb.services.dead.match.path-prefix", "/dead",
                        "lb.services.dead.health.interval", "200ms",
                        "lb.services.dead.health.fall", "1");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {
            if (live != null) {
                live.stop(0);
            }
            try {
                if (dead != null) {
                    dead.close();
                }
            } catch (IOException e) {
                // closing a socket that never connected
            }
        }
    }
}
