package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.AccessLogLines.assertLine;
import static io.optiflow.lb.server.proxy.AccessLogLines.awaitLines;
import static io.optiflow.lb.server.proxy.AccessLogLines.line;
import static io.optiflow.lb.server.proxy.AccessLogLines.logFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.HealthStatus;
import io.optiflow.lb.server.proxy.AccessLogLines.Sent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code lb.access-log.enabled=true} to a file: the server with the {@link BackendFarm}'s real backends on loopback,
 * requests over real sockets, and every field of the lines it appends checked.
 */
@QuarkusTest
@QuarkusTestResource(value = AccessLogTest.Farm.class, restrictToAnnotatedClass = true)
@Timeout(120)
class AccessLogTest {

    /** The farm, and the access log in a fresh file beside it. */
    public static class Farm extends BackendFarm {
        private Path dir;

        @Override
        public Map<String, String> start() {
            Map<String, String> c = new java.util.LinkedHashMap<>(super.start());
            try {
                dir = Files.createTempDirectory("lb-access-log");
                Path file = dir.resolve("access.log");
                c.put("lb.access-log.enabled", "true");
                c.put("lb.access-log.path", file.toString());
                c.put("optiflow.test.access-log", file.toString());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return c;
        }

        @Override
        public void stop() {
            super.stop();
            try {
                Files.deleteIfExists(dir.resolve("access.log"));
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new IllegalStateException("could not remove the test's access log folder " + dir, e);
            }
        }
    }

    @Inject
    ProxyServer proxy;

    @Inject
    ControlPlane controlPlane;

    private String s1() {
        return controlPlane.service("slow").backends().get(0).id();
    }

    private Sent send(String path) {
        return AccessLogLines.get(proxy.actualPort(), path);
    }

    private Sent sendRaw(String path, String request) {
        return AccessLogLines.raw(proxy.actualPort(), "GET", path, request);
    }

    @Test
    void requests_enabledToFile_oneJsonLinePerRequestWithEveryField() throws Exception {
        String s1 = s1();
        Sent ok = send("/slow/ok");
        Sent delayed = send("/slow/delayed?delay=150");
        Sent notFound = send("/slow/missing?status=404");
        Sent quoted = sendRaw("/slow/q?a=\"b\\c\"",
                "GET /slow/q?a=\"b\\c\" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        Sent control = sendRaw("/slow/a\u0001b", "GET /slow/a\u0001b HTTP/1.1\r\nHost: t\r\n\r\n");
        Sent http10 = sendRaw("/slow/ten", "GET /slow/ten HTTP/1.0\r\n\r\n");
        Sent timedOut = send("/slow/late?delay=3000");
        Sent noService = send("/nothing/here");
        Sent h2 = sendH2("/slow/h2");
        waitUntilDown("down");
        Sent noBackend = send("/down/x");
        List<Sent> limited = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            limited.add(send("/limited/x" + i));
        }

        assertEquals(List.of(200, 200, 404, 200, 400, 200, 504, 404, 200, 503),
                List.of(ok.status(), delayed.status(), notFound.status(), quoted.status(), control.status(),
                        http10.status(), timedOut.status(), noService.status(), h2.status(), noBackend.status()));
        assertEquals(429, limited.get(2).status(), "the third request within the burst of 2 is limited");

        List<JsonObject> lines = awaitLines(13);
        assertLine(lines, ok, "HTTP/1.1", "slow", s1, 1, true);
        assertLine(lines, delayed, "HTTP/1.1", "slow", s1, 1, true);
        assertLine(lines, notFound, "HTTP/1.1", "slow", s1, 1, true);
        assertLine(lines, quoted, "HTTP/1.1", "slow", s1, 1, true);
        assertLine(lines, control, "HTTP/1.1", null, null, 0, false);
        assertLine(lines, http10, "HTTP/1.0", "slow", s1, 1, true);
        assertLine(lines, timedOut, "HTTP/1.1", "slow", s1, 1, true);
        assertLine(lines, noService, "HTTP/1.1", null, null, 0, false);
        assertLine(lines, h2, "HTTP/2", "slow", s1, 1, true);
        assertLine(lines, noBackend, "HTTP/1.1", "down", null, 0, false);
        String r1 = controlPlane.service("limited").backends().get(0).id();
        assertLine(lines, limited.get(0), "HTTP/1.1", "limited", r1, 1, true);
        assertLine(lines, limited.get(2), "HTTP/1.1", "limited", null, 0, false);

        // The times are the proxy's: the backend's delay is in both, and the 300 ms timeout in the 504's.
        JsonObject d = line(lines, delayed.path());
        assertTrue(d.getDouble("backend_ms") >= 150, d.encode());
        assertTrue(d.getDouble("duration_ms") >= d.getDouble("backend_ms"), d.encode());
        JsonObject t = line(lines, timedOut.path());
        assertTrue(t.getDouble("backend_ms") >= 300 && t.getDouble("duration_ms") >= 300, t.encode());
        // Escaped as JSON on one line: the raw text carries the escapes, the parsed value the original characters.
        String text = Files.readString(logFile(), StandardCharsets.US_ASCII);
        assertTrue(text.contains("\"path\":\"/slow/q?a=\\\"b\\\\c\\\"\""), text);
        assertTrue(text.contains("\"path\":\"/slow/a\\u0001b\""), text);
        assertTrue(text.matches("(?s)(\\{[^\\n]*}\\n)+"), "only whole lines, each one object: " + text);

        String metrics = metrics();
        assertTrue(metrics.contains("lb_access_log_dropped_total 0.0"), metrics);
    }

    private void waitUntilDown(String service) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (controlPlane.service(service).backends().stream().noneMatch(b -> b.health() == HealthStatus.UP)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the backends of " + service + " never went down");
    }

    private Sent sendH2(String path) throws Exception {
        return AccessLogLines.h2(proxy.actualPort(), path);
    }

    private static String metrics() throws Exception {
        HttpResponse<String> r = LbTestSupport.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + LbTestSupport.adminPort() + "/q/metrics")).header("authorization", LbTestSupport.basicAuth())
                .header("accept", "text/plain; version=0.0.4").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertNotNull(r.body());
        return r.body();
    }
}
