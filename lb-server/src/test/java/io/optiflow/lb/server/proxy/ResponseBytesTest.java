package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.RawHttp.headerValue;
import static io.optiflow.lb.server.proxy.RawHttp.readHead;
import static io.optiflow.lb.server.proxy.RawHttp.readLine;
import static io.optiflow.lb.server.proxy.RawHttp.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.config.ClientLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The response side of the HTTP/1.1 byte path ({@code lb.proxy.byte-forwarding}, {@link ResponseBytes}): two data
 * planes side by side, one on the decoded path and one on the byte path, each with a scripted raw backend of its own;
 * the same requests to both must give the client the same status, header lines (names without case, values without
 * surrounding whitespace, as a set) and bodies. Responses the byte path takes keep the backend's own spelling (a
 * header written {@code X-Spaced:v}), which shows they were not decoded; those it hands to the decoder come out byte
 * for byte as on the decoded path.
 */
@Timeout(60)
class ResponseBytesTest {

    private static final String FIVE = "hello";
    private static final String MEDIUM = "m".repeat(1500);
    private static final int BIG = 200_000;
    /** The slow client's body: more than loopback's socket buffers and the proxy's write limits hold together. */
    private static final int HUGE = 64 * 1024 * 1024;

    private Side decoded;
    private Side bytes;

    /** One data plane and its backend. */
    private static final class Side implements AutoCloseable {
        final ServerSocket backend;
        final StandaloneDataPlane proxy;
        final AtomicInteger backendConnections = new AtomicInteger();
        /** {@code /huge}: counted down when the backend has written the whole body. */
        final CountDownLatch hugeWritten = new CountDownLatch(1);

        Side(boolean byteForwarding) throws Exception {
            backend = RawHttp.backend(byteForwarding ? "bytes-backend" : "decoded-backend", this::serve);
            proxy = new StandaloneDataPlane(List.of(backend.getLocalPort()), 20_000, 1, ClientLimits.DEFAULTS,
                    byteForwarding);
        }

        Socket client() throws IOException {
            Socket c = new Socket("127.0.0.1", proxy.port);
            c.setSoTimeout(10_000);
            return c;
        }

        @Override
        public void close() throws IOException {
            proxy.close();
            backend.close();
        }

        private void serve(Socket s) {
            backendConnections.incrementAndGet();
            RawHttp.serveHeads(s, this::answer);
        }

        /** Writes the scripted answer to {@code head}; false when the connection closes after it. */
        private boolean answer(String head, OutputStream out) throws IOException, InterruptedException {
            boolean isHead = head.startsWith("HEAD ");
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            switch (path) {
                case "/plain" -> write(out, "HTTP/1.1 200 OK\r\nServer: t\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 5\r\nConnection: keep-alive\r\nX-Spaced:v\r\n\r\n" + (isHead ? "" : FIVE));
                case "/bare" -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Spaced:v\r\n\r\n" + FIVE);
                case "/split" -> { // the head in two reads: gathered, then scanned again from its start
                    write(out, "HTTP/1.1 200 OK\r\nContent-Len");
                    Thread.sleep(20);
                    write(out, "gth: 5\r\nX-Spaced:v\r\n\r\n" + FIVE);
                }
                case "/hop" -> write(out, "HTTP/1.1 201 Created\r\nKeep-Alive: timeout=5\r\nX-Secret: s\r\n"
                        + "Connection: keep-alive, X-Secret\r\nProxy-Authenticate: Basic\r\nTrailer: X-T\r\n"
                        + "Upgrade: h2\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\nX-Spaced:v\r\n"
                        + "Content-Length: 1500\r\nX-Last:  two spaces \r\n\r\n" + MEDIUM);
                case "/noreason" -> write(out, "HTTP/1.1 200\r\nContent-Length: 5\r\nX-Spaced:v\r\n\r\n" + FIVE);
                case "/folded" -> write(out, "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 5\r\n"
                        + "X-Spaced:v\r\n\r\n" + FIVE); // obs-fold: the scanner refuses it, the decoder joins it
                case "/empty" -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Spaced:v\r\n\r\n");
                case "/nocontent" -> write(out, "HTTP/1.1 204 No Content\r\nX-Spaced:v\r\n\r\n");
                case "/notmodified" -> write(out, "HTTP/1.1 304 Not Modified\r\nETag: \"e\"\r\nContent-Length: 50\r\n"
                        + "X-Spaced:v\r\n\r\n");
                case "/error" -> write(out, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n"
                        + "X-Spaced:v\r\n\r\n" + FIVE);
                case "/unavailable" -> write(out, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n"
                        + "X-Spaced:v\r\n\r\n" + FIVE);
                case "/big" -> {
                    // head alone, then the body in three parts: several reads, and body bytes as slices
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + BIG + "\r\nX-Spaced:v\r\n\r\n");
                    byte[] body = bigBody(BIG);
                    out.write(body, 0, 1000);
                    out.flush();
                    Thread.sleep(20);
                    out.write(body, 1000, 100_000);
                    out.flush();
                    Thread.sleep(20);
                    out.write(body, 101_000, BIG - 101_000);
                    out.flush();
                }
                case "/chunked" -> write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Spaced:v\r\n\r\n"
                        + "5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n");
                case "/continue" -> write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                        + "X-Spaced:v\r\n\r\n" + FIVE);
                case "/early" -> {
                    write(out, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n");
                    Thread.sleep(30);
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Spaced:v\r\n\r\n" + FIVE);
                }
                case "/toclose" -> {
                    write(out, "HTTP/1.1 200 OK\r\nX-Spaced:v\r\n\r\nto the close");
                    return false;
                }
                case "/old" -> {
                    write(out, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\nX-Spaced:v\r\n\r\n" + FIVE);
                    return false;
                }
                case "/cut" -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nX-Spaced:v\r\n\r\n0123456789");
                    return false;
                }
                case "/huge" -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + HUGE + "\r\nX-Spaced:v\r\n\r\n");
                    byte[] block = bigBody(64 * 1024);
                    for (int sent = 0; sent < HUGE; sent += block.length) {
                        out.write(block);
                    }
                    out.flush();
                    hugeWritten.countDown();
                }
                default -> write(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            }
            return true;
        }

        private static void write(OutputStream out, String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    /** A response as the client read it. */
    private record Response(String head, int status, List<String> headers, byte[] body) {

        /** Header lines as {@code name: value}, the name in lower case, the value trimmed, sorted. */
        static List<String> normalized(String head) {
            List<String> lines = new ArrayList<>();
            String[] parts = head.split("\r\n");
            for (int i = 1; i < parts.length; i++) {
                int colon = parts[i].indexOf(':');
                if (colon > 0) {
                    lines.add(parts[i].substring(0, colon).toLowerCase(Locale.ROOT) + ": "
                            + parts[i].substring(colon + 1).trim());
                }
            }
            lines.sort(null);
            return lines;
        }

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    @BeforeEach
    void start() throws Exception {
        decoded = new Side(false);
        bytes = new Side(true);
    }

    @AfterEach
    void stop() throws IOException {
        decoded.close();
        bytes.close();
    }

    @Test
    void mixedResponses_oneKeepAliveBackendConnection_sameAsTheDecodedPath() throws Exception {
        String[] taken = {"GET /plain", "HEAD /plain", "GET /bare", "GET /hop", "GET /empty", "GET /nocontent",
            "GET /notmodified", "GET /error", "GET /big", "GET /noreason", "GET /split"};
        String[] handedOn = {"GET /chunked", "GET /continue", "GET /unavailable", "GET /folded"};
        try (Socket d = decoded.client(); Socket b = bytes.client()) {
            for (int round = 0; round < 2; round++) {
                for (String request : taken) {
                    Response[] pair = both(d, b, request);
                    assertTrue(pair[1].head().contains("\r\nX-Spaced:v\r\n"),
                            request + " should go on as bytes (the backend's spelling kept): " + pair[1].head());
                }
                for (String request : handedOn) {
                    Response[] pair = both(d, b, request);
                    assertEquals(pair[0].head(), pair[1].head(), request + " goes the decoded way: the same bytes");
                }
                both(d, b, "GET /early"); // the 103 decoded, the 200 after it scanned again
            }
        }
        assertEquals(1, decoded.backendConnections.get(), "one backend connection for every request (decoded)");
        assertEquals(1, bytes.backendConnections.get(), "one backend connection for every request (bytes)");
    }

    @Test
    void hopByHopLines_byteForwarding_cutAsOnTheDecodedPath() throws Exception {
        try (Socket d = decoded.client(); Socket b = bytes.client()) {
            Response[] pair = both(d, b, "GET /hop");
            String head = pair[1].head().toLowerCase(Locale.ROOT);
            for (String cut : List.of("keep-alive", "x-secret", "connection", "proxy-authenticate", "trailer",
                    "upgrade", "\r\nte:", "proxy-connection")) {
                assertFalse(head.contains(cut), cut + " must not reach the client: " + pair[1].head());
            }
            assertTrue(pair[1].head().startsWith("HTTP/1.1 201 Created\r\n"), pair[1].head());
            assertEquals(MEDIUM, pair[1].text());
        }
    }

    @Test
    void pipelinedRequests_byteForwarding_answeredInOrderAsOnTheDecodedPath() throws Exception {
        String requests = "GET /plain HTTP/1.1\r\nHost: a\r\n\r\nGET /chunked HTTP/1.1\r\nHost: a\r\n\r\n"
                + "HEAD /plain HTTP/1.1\r\nHost: a\r\n\r\nGET /hop HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /empty HTTP/1.1\r\nHost: a\r\n\r\n";
        String[] methods = {"GET", "GET", "HEAD", "GET", "GET"};
        try (Socket d = decoded.client(); Socket b = bytes.client()) {
            send(d, requests);
            send(b, requests);
            for (String method : methods) {
                compare(method, read(d, method), read(b, method));
            }
        }
    }

    @Test
    void http10ClientAndClientClose_byteForwarding_sameAsTheDecodedPathAndClosed() throws Exception {
        for (String request : List.of("GET /plain HTTP/1.0\r\n\r\n", "GET /plain HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                "GET /plain HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
                "GET /hop HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")) {
            try (Socket d = decoded.client(); Socket b = bytes.client()) {
                send(d, request);
                send(b, request);
                Response off = read(d, "GET");
                Response on = read(b, "GET");
                compare(request, off, on);
                if (request.contains("close") || !request.contains("keep-alive")) {
                    assertEquals("close", headerValue(on.head(), "connection"), on.head());
                    assertEquals(-1, b.getInputStream().read(), "the connection ends after " + request);
                }
            }
        }
    }

    @Test
    void toTheCloseAndHttp10Backends_byteForwarding_sameAsTheDecodedPath() throws Exception {
        try (Socket d = decoded.client(); Socket b = bytes.client()) {
            for (String request : List.of("GET /toclose", "GET /old", "GET /plain", "GET /old", "GET /bare")) {
                both(d, b, request);
            }
        }
    }

    @Test
    void backendClosesMidBody_byteForwarding_clientSeesTheCutAndTheProxyGoesOn() throws Exception {
        try (Socket b = bytes.client()) {
            send(b, "GET /cut HTTP/1.1\r\nHost: a\r\n\r\n");
            InputStream in = b.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200") && head.contains("Content-Length: 1000"), head);
            assertEquals("0123456789", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1),
                    "the ten bytes sent, then the connection ends: the client sees the body incomplete");
        }
        try (Socket d = decoded.client(); Socket b = bytes.client()) {
            both(d, b, "GET /plain");
        }
    }

    @Test
    void slowClient_byteForwarding_backendWaitsForTheClientAndTheBodyArrivesWhole() throws Exception {
        try (Socket b = bytes.client()) {
            send(b, "GET /huge HTTP/1.1\r\nHost: a\r\n\r\n");
            // Nothing read yet: reads from the backend pause once the client's socket and the proxy's write limit
            // are full, so the backend cannot have written 64 MiB (it would if the proxy buffered without limit).
            assertFalse(bytes.hugeWritten.await(1, TimeUnit.SECONDS),
                    "the backend wrote the whole body although the client read nothing: no back-pressure");
            InputStream in = b.getInputStream();
            String head = readHead(in);
            assertEquals(Integer.toString(HUGE), headerValue(head, "content-length"), head);
            byte[] block = bigBody(64 * 1024);
            byte[] got = new byte[block.length];
            for (int read = 0; read < HUGE; read += block.length) {
                in.readNBytes(got, 0, got.length);
                assertArrayEquals(block, got, "body bytes at " + read);
            }
            assertTrue(bytes.hugeWritten.await(10, TimeUnit.SECONDS));
            send(b, "GET /plain HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(FIVE, read(b, "GET").text(), "the connection goes on after the paused response");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Sends {@code request} (method and path) to both sides on their connections; compares; returns both answers. */
    private static Response[] both(Socket d, Socket b, String request) throws IOException {
        String method = request.substring(0, request.indexOf(' '));
        String text = request + " HTTP/1.1\r\nHost: a\r\n\r\n";
        send(d, text);
        Response off = read(d, method);
        send(b, text);
        Response on = read(b, method);
        compare(request, off, on);
        return new Response[] {off, on};
    }

    private static void compare(String request, Response off, Response on) {
        assertEquals(off.status(), on.status(), request + ": status\n" + off.head() + "\n" + on.head());
        assertEquals(off.headers(), on.headers(), request + ": header lines\n" + off.head() + "\n" + on.head());
        assertArrayEquals(off.body(), on.body(), request + ": body");
    }

    /** Reads one response: its head, then its body by its framing (none after HEAD, 1xx, 204, 304). */
    private static Response read(Socket s, String method) throws IOException {
        InputStream in = s.getInputStream();
        String head = readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 "), "a response head, got: " + head);
        int status = Integer.parseInt(head.substring(9, 12));
        String length = headerValue(head, "content-length");
        String coding = headerValue(head, "transfer-encoding");
        byte[] body;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            body = new byte[0];
        } else if (coding != null && coding.equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(readLine(in).trim(), 16)) > 0; ) {
                all.write(in.readNBytes(size));
                readLine(in);
            }
            readLine(in); // the blank line after the last chunk (no trailers here)
            body = all.toByteArray();
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else {
            body = in.readAllBytes();
        }
        return new Response(head, status, Response.normalized(head), body);
    }

    private static byte[] bigBody(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }
}
