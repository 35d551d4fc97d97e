package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.blackbox.harness.Fixture;
import io.optiflow.lb.blackbox.harness.H2Frames;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.RawHttp;
import io.optiflow.lb.blackbox.harness.ScriptedBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP semantics a proxy must keep, checked on the wire: hop-by-hop headers removed both ways (also those a
 * {@code Connection} header names), forwarding headers from an untrusted client replaced, HEAD/204/304 without a body,
 * pipelined requests answered in order, 100-continue, 2 GiB up and 2 GiB down streamed through a proxy whose heap and
 * direct memory are capped far below that (so it cannot have buffered), a WebSocket echo, and h2c with prior
 * knowledge.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProtocolIT {

    private static final long TWO_GIB = 2L << 30;

    private static Fixture fixture;
    private static ScriptedBackend backend;
    private static LbProcess lb;

    @BeforeAll
    static void start() {
        fixture = Fixture.create("protocol-it");
        backend = fixture.backend();
        lb = fixture.add(fixture.server().property("lb.services.web.backends", backend.url())
                .property("lb.services.web.health.enabled", "false")
                .property("lb.services.web.timeout", "60s")
                // constant memory: a proxy that buffered a body would die of these caps long before 2 GiB
                .jvmArg("-Xmx128m").jvmArg("-XX:MaxDirectMemorySize=64m").start());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void hopByHopHeaders_areRemovedBothWays_includingThoseTheConnectionHeaderNames() throws Exception {
        String seen = get("/headers", "Connection: keep-alive, X-Client-Secret\r\nX-Client-Secret: leak\r\n"
                + "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: gzip\r\nUpgrade: foo/1\r\n"
                + "Proxy-Authorization: Basic eDp5\r\nX-End-To-End: kept\r\n").bodyText();
        for (String gone : List.of("x-client-secret", "keep-alive:", "proxy-connection", "te:", "upgrade",
                "proxy-authorization")) {
            assertFalse(seen.contains(gone), gone + " reached the backend:\n" + seen);
        }
        assertTrue(seen.contains("x-end-to-end: kept"), seen);

        RawHttp.Response back = get("/hop", "");
        assertNull(back.header("X-Backend-Secret"), "named in the backend's Connection header: " + back);
        assertNull(back.header("Keep-Alive"), back.toString());
        assertNull(back.header("Proxy-Authenticate"), back.toString());
        assertEquals("kept", back.header("X-End-To-End"), back.toString());
    }

    @Test
    void spoofedForwardingHeaders_fromAnUntrustedClient_areReplacedWithWhatTheProxySaw() throws Exception {
        String seen = get("/headers", "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: evil.example\r\nForwarded: for=6.6.6.6;proto=https\r\n").bodyText();
        assertTrue(seen.contains("x-forwarded-for: 127.0.0.1\n"), seen);
        assertTrue(seen.contains("x-forwarded-proto: http\n"), seen);
        assertTrue(seen.contains("x-forwarded-host: localhost\n"), seen);
        assertFalse(seen.contains("6.6.6.6") || seen.contains("evil.example"), seen);
    }

    @Test
    void headAnd204And304_haveNoBody_andTheConnectionCarriesOnCorrectly() throws Exception {
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send("HEAD /bytes/1000 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /status/204 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /status/304 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /echo/after HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, c.read("HEAD").status());
            assertEquals(204, c.read("GET").status());
            assertEquals(304, c.read("GET").status());
            RawHttp.Response after = c.read("GET");
            // a stray body after any of the first three would have been read as this status line
            assertEquals(200, after.status(), after.toString());
            assertEquals("GET /echo/after 0", after.bodyText());
        }
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder_evenWhenLaterOnesFinishFirstAtTheBackend() throws Exception {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            all.append("GET /echo/").append(i).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send(all.toString());
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = c.read("GET");
                assertEquals("GET /echo/" + i + " 0", r.bodyText(), "answer " + i);
            }
        }
    }

    @Test
    void expect100Continue_getsContinueThenTheAnswer() throws Exception {
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send("POST /echo/continue HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            RawHttp.Response cont = c.read("POST");
            assertEquals(100, cont.status(), cont.toString());
            c.send("hello");
            RawHttp.Response r = c.read("POST");
            assertEquals(200, r.status());
            assertEquals("POST /echo/continue 5", r.bodyText());
        }
    }

    @Test
    void twoGibUploadAndDownload_streamThroughAProxyWithACappedHeap() throws Exception {
        long before = backend.bodyBytes();
        long start = System.nanoTime();
        try (Socket s = socket()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /echo/upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + TWO_GIB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[1 << 20];
            for (long sent = 0; sent < TWO_GIB; sent += block.length) {
                out.write(block);
            }
            out.flush();
            String answer = new String(readAll(s.getInputStream(), 4096), StandardCharsets.US_ASCII);
            assertTrue(answer.endsWith("POST /echo/upload " + TWO_GIB), answer);
        }
        long upMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(TWO_GIB, backend.bodyBytes() - before);

        start = System.nanoTime();
        long received;
        try (Socket s = socket()) {
            s.getOutputStream().write(("GET /bytes/" + TWO_GIB + " HTTP/1.1\r\nHost: localhost\r\nConnection: close"
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            received = countChunkedBody(s.getInputStream());
        }
        long downMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(TWO_GIB, received);
        System.out.printf("ProtocolIT: 2 GiB up in %d ms, 2 GiB down in %d ms, proxy at -Xmx128m,"
                + " MaxDirectMemorySize=64m%n", upMillis, downMillis);
        assertTrue(lb.isAlive());
    }

    @Test
    void webSocket_echoesThroughTheProxy() throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + lb.proxyPort() + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        echoed.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("over the proxy and back", true);
        assertEquals("over the proxy and back", echoed.get(10, TimeUnit.SECONDS));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void h2cWithPriorKnowledge_isProxied() throws Exception {
        try (H2Frames h2 = H2Frames.connect(lb.proxyPort())) {
            h2.settingsAck().get(1, "/echo/h2c").flush();
            H2Frames.Frame headers = h2.readUntil(H2Frames.HEADERS);
            assertNotNull(headers);
            assertEquals(1, headers.stream());
            assertEquals((byte) 0x88, headers.payload()[0], ":status 200 (HPACK static index 8)");
            H2Frames.Frame data = h2.readUntil(H2Frames.DATA);
            assertNotNull(data);
            assertArrayEquals("GET /echo/h2c 0".getBytes(StandardCharsets.US_ASCII), data.payload());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static RawHttp.Response get(String path, String extraHeaders) throws Exception {
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "Connection: close\r\n\r\n");
            return c.read("GET");
        }
    }

    private static Socket socket() throws Exception {
        Socket s = new Socket();
        s.setSoTimeout(60_000);
        s.setReceiveBufferSize(1 << 20);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), lb.proxyPort()), 5_000);
        return s;
    }

    private static byte[] readAll(InputStream in, int max) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[max];
        for (int n; (n = in.read(buf)) > 0 && b.size() < max; ) {
            b.write(buf, 0, n);
            String text = b.toString(StandardCharsets.US_ASCII);
            int cl = text.toLowerCase().indexOf("content-length: ");
            int end = text.indexOf("\r\n\r\n");
            if (cl >= 0 && end >= 0) {
                int len = Integer.parseInt(text.substring(cl + 16, text.indexOf("\r\n", cl)).trim());
                if (b.size() >= end + 4 + len) {
                    break;
                }
            }
        }
        return b.toByteArray();
    }

    /** Reads a response with a chunked body to its end, counting (not keeping) the body's bytes. */
    private static long countChunkedBody(InputStream raw) throws Exception {
        java.io.BufferedInputStream in = new java.io.BufferedInputStream(raw, 1 << 16);
        String status = line(in);
        assertTrue(status.startsWith("HTTP/1.1 200"), status);
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            chunked |= h.toLowerCase().startsWith("transfer-encoding: chunked");
        }
        assertTrue(chunked, "expected a chunked body");
        long total = 0;
        byte[] buf = new byte[1 << 16];
        for (;;) {
            int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
            if (size == 0) {
                line(in);
                return total;
            }
            for (int left = size; left > 0; ) {
                int n = in.read(buf, 0, Math.min(buf.length, left));
                if (n < 0) {
                    throw new java.io.EOFException("body cut after " + total + " bytes");
                }
                left -= n;
                total += n;
            }
            line(in);
        }
    }

    private static String line(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
