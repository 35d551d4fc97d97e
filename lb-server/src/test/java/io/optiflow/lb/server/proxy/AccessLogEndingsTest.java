package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.AccessLogLines.assertLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.server.proxy.AccessLogLines.Sent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The access log's lines for the endings {@link AccessLogTest} does not reach, and its {@code bytes} field on every
 * path: backends that close without answering (502 after the retry), a service at its cap with no room to wait
 * (the proxy's 503), responses cut mid-body on the byte path and on the decoded path, HEAD, 204, a body the byte
 * path forwards past its first read, a chunked body on the decoded path, and HTTP/2. Real backends on loopback:
 * the {@link BackendFarm}'s, and raw sockets of this test's own for the misbehaving ones.
 */
@QuarkusTest
@QuarkusTestResource(value = AccessLogEndingsTest.Farm.class, restrictToAnnotatedClass = true)
@Timeout(120)
class AccessLogEndingsTest {

    /** 40 of the 100 body bytes its head announces, then the connection closes. */
    private static final String CUT_LENGTH = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n" + "x".repeat(40);
    /** One chunk of 40 bytes, then the connection closes before the last chunk. */
    private static final String CUT_CHUNKED = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n28\r\n"
            + "y".repeat(40) + "\r\n";

    /**
     * The access-log farm, one slot per service and no queue, and raw backends: two that read a request and close,
     * two that cut their response short.
     */
    public static class Farm extends AccessLogTest.Farm {
        private final List<ServerSocket> rawBackends = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, String> start() {
            Map<String, String> c = new LinkedHashMap<>(super.start());
            c.put("lb.proxy.max-in-flight-per-service", "1");
            c.put("lb.proxy.queue-per-service", "0");
            rawService(c, "closer", rawBackend(null) + "," + rawBackend(null));
            rawService(c, "cut", rawBackend(CUT_LENGTH));
            rawService(c, "cutchunked", rawBackend(CUT_CHUNKED));
            c.put("lb.services.held.backends", c.get("lb.services.slow.backends")); // s1, without slow's timeout
            c.put("lb.services.held.match.path-prefix", "/held");
            c.put("lb.services.held.health.enabled", "false");
            return c;
        }

        /** No health checks (the raw backends fail them), no ejection, no slow start: each request reaches them. */
        private static void rawService(Map<String, String> c, String name, String backends) {
            c.put("lb.services." + name + ".backends", backends);
            c.put("lb.services." + name + ".match.path-prefix", "/" + name);
            c.put("lb.services." + name + ".health.enabled", "false");
            c.put("lb.services." + name + ".passive.consecutive-failures", "0");
            c.put("lb.services." + name + ".slow-start", "0");
        }

        /** A backend that reads each request head, writes {@code answer} (if any) and closes; its URL. */
        private String rawBackend(String answer) {
            try {
                ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                rawBackends.add(server);
                Thread t = new Thread(() -> {
                    while (!server.isClosed()) {
                        try (Socket s = server.accept()) {
                            s.setSoTimeout(5000);
                            readHead(s.getInputStream());
                            if (answer != null) {
                                s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                                s.getOutputStream().flush();
                            }
                        } catch (IOException e) {
                            // closed by stop(), or a connection that went wrong: the next one is served anyway
                        }
                    }
                }, "raw-backend-" + server.getLocalPort());
                t.setDaemon(true);
                t.start();
                return "http://127.0.0.1:" + server.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void readHead(InputStream in) throws IOException {
            int matched = 0;
            int b;
            while (matched < 4 && (b = in.read()) >= 0) {
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            }
        }

        @Override
        public void stop() {
            for (ServerSocket s : rawBackends) {
                try {
                    s.close();
                } catch (IOException e) {
                    // it was open; nothing to lose
                }
            }
            super.stop();
        }
    }

    @Inject
    ProxyServer proxy;

    @Inject
    ControlPlane controlPlane;

    private String backendOf(String service) {
        return controlPlane.service(service).backends().get(0).id();
    }

    private Sent get(String path) {
        return AccessLogLines.get(proxy.actualPort(), path);
    }

    private Sent raw(String method, String path) {
        return AccessLogLines.raw(proxy.actualPort(), method, path,
                method + " " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    }

    @Test
    void bytes_bodiesOnBothPathsHeadAnd204_theBodyTheClientGot() throws Exception {
        String s1 = backendOf("slow");
        Sent known = get("/slow/known"); // a Content-Length: the byte path
        Sent large = get("/slow/long?q=" + "z".repeat(3000)); // echoed: past the byte path's copy limit
        Sent head = raw("HEAD", "/slow/head");
        Sent noContent = get("/slow/empty?status=204");
        Sent chunked = get("/slow/chunked?size=100000"); // chunked: the decoded path
        Sent h2 = AccessLogLines.h2(proxy.actualPort(), "/slow/h2?size=5000");
        Sent notFound = get("/nothing/here");
        Sent h2HeadNotFound = AccessLogLines.h2(proxy.actualPort(), HttpMethod.HEAD, "/nothing/h2");
        // A HEAD the proxy answers itself: a head with no body, so the next answer on the connection reads right.
        Instant pairBefore = Instant.now();
        String pair = LbTestSupport.raw(proxy.actualPort(), "HEAD /nothing/head HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /nothing/after HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").text();
        Instant pairAfter = Instant.now();
        int secondHead = pair.indexOf("\r\n\r\n") + 4;
        assertTrue(pair.startsWith("HTTP/1.1 404 ", secondHead), "the GET's answer right after the HEAD's: " + pair);
        Sent headNotFound = new Sent("HEAD", "/nothing/head", 404, 0, pairBefore, pairAfter);
        Sent afterHead = new Sent("GET", "/nothing/after", 404,
                pair.length() - pair.indexOf("\r\n\r\n", secondHead) - 4, pairBefore, pairAfter);

        assertEquals(List.of(200, 200, 200, 204, 200, 200, 404, 404), List.of(known.status(), large.status(),
                head.status(), noContent.status(), chunked.status(), h2.status(), notFound.status(),
                h2HeadNotFound.status()));
        assertEquals(List.of(0L, 0L, 100_000L, 5000L, 0L), List.of(head.bytes(), noContent.bytes(),
                chunked.bytes(), h2.bytes(), h2HeadNotFound.bytes()));
        assertTrue(large.bytes() > ResponseBytes.COPY_BODY_MAX && notFound.bytes() > 0 && afterHead.bytes() > 0,
                large.bytes() + " " + notFound.bytes() + " " + afterHead.bytes());

        List<JsonObject> lines = awaitLines(known, large, head, noContent, chunked, h2, notFound, headNotFound,
                afterHead, h2HeadNotFound);
        for (Sent s : List.of(known, large, head, noContent, chunked)) {
            assertLine(lines, s, "HTTP/1.1", "slow", s1, 1, true);
        }
        assertLine(lines, h2, "HTTP/2", "slow", s1, 1, true);
        for (Sent s : List.of(notFound, headNotFound, afterHead)) {
            assertLine(lines, s, "HTTP/1.1", null, null, 0, false);
        }
        assertLine(lines, h2HeadNotFound, "HTTP/2", null, null, 0, false);
    }

    @Test
    void backendClosesWithoutAnswering_502AfterTheRetryNamesTheLastTried() throws Exception {
        Sent closed = get("/closer/x");
        assertEquals(502, closed.status());
        assertTrue(closed.bytes() > 0, "the proxy's own body");

        List<JsonObject> lines = awaitLines(closed);
        // A GET without a body goes to the other backend (docs/proxying.md, retries), which closes too: two attempts,
        // and the line names the last one tried.
        List<String> closers = controlPlane.service("closer").backends().stream().map(b -> b.id()).toList();
        String last = AccessLogLines.line(lines, closed.path()).getString("backend");
        assertTrue(closers.contains(last), last + " in " + closers);
        assertLine(lines, closed, "HTTP/1.1", "closer", last, 2, true);
    }

    @Test
    void serviceAtItsCapWithNoQueue_503WithoutBackendOrAttempt() throws Exception {
        // A slot held by a slow request; the next one finds the service at its cap with no room to wait.
        int before = LbTestSupport.count("s1");
        CompletableFuture<Sent> holder = CompletableFuture.supplyAsync(() -> get("/held/hold?delay=1500"));
        awaitCount("s1", before + 1, holder);
        Sent refused = get("/held/refused");
        Sent held = holder.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(503, 200), List.of(refused.status(), held.status()));
        assertTrue(refused.bytes() > 0, "the proxy's own body");

        List<JsonObject> lines = awaitLines(refused, held);
        assertLine(lines, refused, "HTTP/1.1", "held", null, 0, false);
        assertLine(lines, held, "HTTP/1.1", "held", backendOf("held"), 1, true);
    }

    @Test
    void responseCutMidBody_bytesHandedOnBeforeTheCut() throws Exception {
        Sent cut = raw("GET", "/cut/x"); // a Content-Length: the byte path
        Sent cutChunked = raw("GET", "/cutchunked/x"); // chunked: the decoded path
        assertTrue(cut.status() == 200 && cut.bytes() == 40, "the cut response as the client saw it: " + cut);
        // the client got the chunk with its framing: 40 bytes of body in 46
        assertTrue(cutChunked.status() == 200 && cutChunked.bytes() == 46, "the cut chunked one: " + cutChunked);

        List<JsonObject> lines = awaitLines(cut, cutChunked);
        // A cut's line ends after the close the client sees (the proxy closes, then logs): its bound is when the line
        // was there to read.
        Instant seen = Instant.now();
        assertLine(lines, new Sent("GET", cut.path(), 200, 40, cut.before(), seen), "HTTP/1.1", "cut",
                backendOf("cut"), 1, true);
        assertLine(lines, new Sent("GET", cutChunked.path(), 200, 40, cutChunked.before(), seen), "HTTP/1.1",
                "cutchunked", backendOf("cutchunked"), 1, true);
    }

    /** The log's lines once it holds one for each of {@code sent} (bounded wait). */
    private static List<JsonObject> awaitLines(Sent... sent) throws Exception {
        return AccessLogLines.awaitLines(l -> Arrays.stream(sent).allMatch(s -> l.stream()
                .anyMatch(j -> s.path().equals(j.getString("path")))));
    }

    /** Waits (bounded) until backend {@code name} has received {@code n} requests, or {@code holder} ended. */
    private static void awaitCount(String name, int n, CompletableFuture<Sent> holder) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (LbTestSupport.count(name) < n) {
            if (holder.isDone() || System.nanoTime() > deadline) {
                throw new AssertionError(name + " never received the holding request: " + holder);
            }
            Thread.sleep(10);
        }
    }
}
