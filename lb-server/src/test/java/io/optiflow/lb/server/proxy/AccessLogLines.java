package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The access-log tests' client side and checks: requests over real sockets, each remembered as the test saw it
 * ({@link Sent}), and the log's lines checked field by field against that.
 */
final class AccessLogLines {

    static final List<String> FIELDS = List.of("time", "client", "method", "path", "protocol", "service", "backend",
            "status", "bytes", "attempts", "duration_ms", "backend_ms");

    private AccessLogLines() {
    }

    /**
     * What the test saw around one request: its method and target, the status, the response body's length as the
     * client received it, and the wall clock before and after.
     */
    record Sent(String method, String path, int status, long bytes, Instant before, Instant after) {
    }

    /** The log file the test resource chose ({@code optiflow.test.access-log}). */
    static Path logFile() {
        return Path.of(ConfigProvider.getConfig().getValue("optiflow.test.access-log", String.class));
    }

    /** A GET with Java's HTTP/1.1 client. */
    static Sent get(int port, String path) {
        Instant before = Instant.now();
        HttpResponse<String> r = LbTestSupport.get(port, path);
        return new Sent("GET", path, r.statusCode(), r.body().getBytes(StandardCharsets.UTF_8).length, before,
                Instant.now());
    }

    /** {@code request} as raw bytes; the body is what came after the head until the proxy closed or went silent. */
    static Sent raw(int port, String method, String path, String request) {
        Instant before = Instant.now();
        LbTestSupport.RawResponse r = LbTestSupport.raw(port, request);
        Instant after = Instant.now();
        int headEnd = r.text().indexOf("\r\n\r\n");
        long body = headEnd < 0 ? 0 : r.text().length() - headEnd - 4; // ISO-8859-1: one char per byte
        return new Sent(method, path, r.status(), body, before, after);
    }

    /** One GET over h2c with prior knowledge. */
    static Sent h2(int port, String path) throws Exception {
        return h2(port, HttpMethod.GET, path);
    }

    /** One request without a body over h2c with prior knowledge. */
    static Sent h2(int port, HttpMethod method, String path) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false));
            Instant before = Instant.now();
            int[] status = new int[1];
            int length = client.request(method, port, "127.0.0.1", path)
                    .compose(req -> req.send()).compose(resp -> {
                        status[0] = resp.statusCode();
                        return resp.body();
                    }).map(b -> b.length())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new Sent(method.name(), path, status[0], length, before, Instant.now());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The log's lines once it holds {@code n} (bounded wait: the writer flushes when its queue is empty). */
    static List<JsonObject> awaitLines(int n) throws Exception {
        List<JsonObject> lines = awaitLines(l -> l.size() >= n);
        assertEquals(n, lines.size(), "lines: " + lines);
        return lines;
    }

    /** The log's lines, parsed, once {@code done} holds for them (or after a bounded wait, then as they are). */
    static List<JsonObject> awaitLines(Predicate<List<JsonObject>> done) throws Exception {
        Path file = logFile();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            List<JsonObject> lines = new ArrayList<>();
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                    lines.add(new JsonObject(l));
                }
            }
            if (done.test(lines) || System.nanoTime() > deadline) {
                return lines;
            }
            Thread.sleep(20);
        }
    }

    /** The line of the request to {@code path}, parsed; exactly one. */
    static JsonObject line(List<JsonObject> lines, String path) {
        List<JsonObject> found = lines.stream().filter(l -> path.equals(l.getString("path"))).toList();
        assertEquals(1, found.size(), "one line for " + path + ": " + lines);
        return found.get(0);
    }

    /**
     * Every field of the line of {@code sent}: the fields in order; time, status and duration within what the test
     * saw; {@code bytes} the body the client received.
     */
    static void assertLine(List<JsonObject> lines, Sent sent, String protocol, String service, String backend,
                           int attempts, boolean backendTimed) {
        JsonObject l = line(lines, sent.path);
        String ctx = l.encode();
        assertEquals(FIELDS, new ArrayList<>(l.fieldNames()), ctx);
        String time = l.getString("time");
        assertTrue(time.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), ctx);
        Instant at = Instant.parse(time);
        // the head came after the test began sending and before the answer was back (the time is in whole ms)
        assertFalse(at.isBefore(sent.before.minusMillis(1)), ctx + " before " + sent.before);
        assertFalse(at.isAfter(sent.after), ctx + " after " + sent.after);
        assertEquals("127.0.0.1", l.getString("client"), ctx);
        assertEquals(sent.method, l.getString("method"), ctx);
        assertEquals(protocol, l.getString("protocol"), ctx);
        assertEquals(service, l.getString("service"), ctx);
        assertEquals(backend, l.getString("backend"), ctx);
        if (backend == null) {
            assertTrue(l.containsKey("backend"), "backend is present, as null: " + ctx);
        }
        assertEquals(sent.status, l.getInteger("status"), ctx);
        assertEquals(sent.bytes, l.getLong("bytes"), ctx + ": the body the client received");
        assertEquals(attempts, l.getInteger("attempts"), ctx);
        double duration = l.getDouble("duration_ms");
        long wallMillis = Duration.between(sent.before, sent.after).toMillis();
        assertTrue(duration > 0 && duration <= wallMillis + 1, ctx + " within the " + wallMillis + " ms the test saw");
        if (backendTimed) {
            double backendMs = l.getDouble("backend_ms");
            assertTrue(backendMs > 0 && backendMs <= duration, ctx);
        } else {
            assertTrue(l.containsKey("backend_ms") && l.getValue("backend_ms") == null, ctx);
        }
    }
}
