package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.blackbox.harness.Await;
import io.optiflow.lb.blackbox.harness.Fixture;
import io.optiflow.lb.blackbox.harness.H2Frames;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.RawHttp;
import io.optiflow.lb.blackbox.harness.ScriptedBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that hold the proxy hostage by being slow: a request head dribbled a byte at a time (slowloris), a body
 * dribbled the same way (slow POST), a kept-alive connection never used again, an HTTP/2 client that never
 * acknowledges SETTINGS or resets streams as fast as it opens them (rapid reset). Each is cut at its configured
 * limit while normal traffic keeps being served. The limits are set short here (2 s) so the suite stays quick; the
 * defaults are in docs/configuration.md.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowClientsIT {

    private static final long LIMIT_MILLIS = 2_000;
    /** The sweep checks client deadlines every 250 ms; a loaded machine adds some. */
    private static final long SLACK_MILLIS = 2_000;
    /**
     * Shorter than the header timeout: a client that never acknowledges SETTINGS opens no stream either, so both
     * deadlines run on its connection. The header timeout counts from the connection's start and the SETTINGS one
     * from the server's SETTINGS a little later, so with equal limits a sweep could find the header timeout due
     * first and answer GOAWAY(NO_ERROR), a valid answer that is not the one under test.
     */
    private static final long SETTINGS_LIMIT_MILLIS = LIMIT_MILLIS / 2;

    private static Fixture fixture;
    private static ScriptedBackend backend;
    private static LbProcess lb;

    @BeforeAll
    static void start() {
        fixture = Fixture.create("slow-clients-it");
        backend = fixture.backend();
        lb = fixture.add(fixture.server().property("lb.services.web.backends", backend.url())
                .property("lb.services.web.health.enabled", "false")
                .property("lb.proxy.request-header-timeout", LIMIT_MILLIS + "ms")
                .property("lb.proxy.request-body-idle-timeout", LIMIT_MILLIS + "ms")
                .property("lb.proxy.request-body-min-rate", "1000")
                .property("lb.proxy.idle-timeout", LIMIT_MILLIS + "ms")
                .property("lb.proxy.http2.settings-timeout", SETTINGS_LIMIT_MILLIS + "ms")
                .property("lb.proxy.http2.max-resets", "100")
                .property("lb.proxy.http2.reset-window", "10s").start());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void requestHead_dribbledAByteEvery300ms_is408AndClosedAtTheHeaderTimeout() throws Exception {
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            long start = System.nanoTime();
            String head = "GET /slow HTTP/1.1\r\nHost: localhost\r\nX-Padding: ";
            RawHttp.Response r = null;
            for (int i = 0; i < 100 && r == null; i++) {
                try {
                    c.send(head.substring(i % head.length(), i % head.length() + 1));
                } catch (IOException closed) {
                    break;
                }
                if (c.answerWaiting(300)) {
                    r = c.read("GET");
                }
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertNotNull(r, "no answer to a dribbled head within 30 s");
            assertEquals(408, r.status(), r.toString());
            assertEquals("close", r.header("Connection"));
            assertTrue(millis >= LIMIT_MILLIS - 100 && millis < LIMIT_MILLIS + SLACK_MILLIS,
                    "cut after " + millis + " ms");
            assertTrue(c.closedByPeer(2_000), "the connection stayed open after the 408");
        }
    }

    @Test
    void newConnection_sendingNothing_is408AndClosedAtTheHeaderTimeout() throws Exception {
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.timeout((int) (LIMIT_MILLIS + SLACK_MILLIS));
            RawHttp.Response r = c.read("GET");
            assertEquals(408, r.status(), r.toString());
        }
    }

    @Test
    void keptAliveConnection_unused_isClosedAtTheIdleTimeout() throws Exception {
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send("GET /first HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, c.read("GET").status());
            long start = System.nanoTime();
            assertTrue(c.closedByPeer((int) (LIMIT_MILLIS + SLACK_MILLIS)), "an idle connection stayed open");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= LIMIT_MILLIS - 100, "closed already after " + millis + " ms");
        }
    }

    @Test
    void http2Connection_withoutOpenStreams_getsGoAwayAtTheIdleTimeout() throws Exception {
        try (H2Frames h2 = H2Frames.connect(lb.proxyPort())) {
            h2.settingsAck().get(1, "/first").flush();
            h2.timeout((int) (LIMIT_MILLIS + SLACK_MILLIS));
            assertNotNull(next(h2, H2Frames.DATA, 1), "no answer to the first stream");
            long start = System.nanoTime();
            H2Frames.Frame away = h2.readUntil(H2Frames.GOAWAY);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertNotNull(away, "closed without GOAWAY");
            assertEquals(0, away.errorCode(), "NO_ERROR");
            assertTrue(millis >= LIMIT_MILLIS - 300, "GOAWAY already after " + millis + " ms");
        }
    }

    @Test
    void requestBody_thatStops_is408AndTheBackendRequestIsCancelled() throws Exception {
        int cancelledBefore = backend.cancelled();
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(5000));
            c.timeout((int) (LIMIT_MILLIS * 2 + SLACK_MILLIS));
            RawHttp.Response r = c.read("POST");
            assertEquals(408, r.status(), r.toString());
            assertTrue(c.closedByPeer(2_000));
        }
        Await.until("the backend saw its request cancelled", 10, () -> backend.cancelled() > cancelledBefore);
    }

    @Test
    void slowlorisAndSlowPost_500And100Clients_areCutWhileNormalTrafficIsServed() throws Exception {
        List<Socket> loris = new ArrayList<>();
        List<Socket> slowPost = new ArrayList<>();
        ExecutorService normal = Executors.newFixedThreadPool(4);
        AtomicBoolean attacking = new AtomicBoolean(true);
        try {
            for (int i = 0; i < 500; i++) {
                loris.add(open("GET /loris HTTP/1.1\r\nHost: localhost\r\n"));
            }
            for (int i = 0; i < 100; i++) {
                slowPost.add(open("POST /slow-post HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n"));
            }
            long attackStart = System.nanoTime();
            // Everyone dribbles one byte every 250 ms: never silent, always far too slow.
            Thread dribbler = new Thread(() -> {
                while (attacking.get()) {
                    for (List<Socket> group : List.of(loris, slowPost)) {
                        for (Socket s : group) {
                            try {
                                s.getOutputStream().write('x');
                            } catch (IOException cut) {
                                // cut by the proxy: what we want
                            }
                        }
                    }
                    sleep(250);
                }
            }, "dribbler");
            dribbler.start();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            AtomicInteger ok = new AtomicInteger();
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                sent.add(normal.submit(() -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + lb.proxyPort() + "/normal/" + n)).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                    }
                    sleep(10);
                    return r.statusCode();
                }));
            }
            for (Future<Integer> f : sent) {
                assertEquals(200, f.get(60, TimeUnit.SECONDS), "a normal request during the attack");
            }
            int lorisCut = countCut(loris, "408");
            int postCut = countCut(slowPost, "408");
            long attackMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attackStart);
            attacking.set(false);
            dribbler.join(5_000);
            System.out.printf("SlowClientsIT: 400 normal requests OK during 500 slowloris + 100 slow POST; cut: %d"
                    + " and %d (408) within %d ms%n", lorisCut, postCut, attackMillis);
            assertEquals(400, ok.get());
            assertEquals(500, lorisCut, "slowloris connections answered 408 and closed");
            assertEquals(100, postCut, "slow POST connections answered 408 and closed");
        } finally {
            attacking.set(false);
            normal.shutdownNow();
            for (Socket s : loris) {
                s.close();
            }
            for (Socket s : slowPost) {
                s.close();
            }
        }
    }

    @Test
    void http2Client_neverAcknowledgingSettings_getsGoAwaySettingsTimeout() throws Exception {
        try (H2Frames h2 = H2Frames.connect(lb.proxyPort())) {
            h2.timeout((int) (LIMIT_MILLIS + SLACK_MILLIS));
            H2Frames.Frame settings = h2.readUntil(H2Frames.SETTINGS);
            assertNotNull(settings);
            assertEquals(100, H2Frames.setting(settings, 0x3), "SETTINGS_MAX_CONCURRENT_STREAMS");
            H2Frames.Frame away = h2.readUntil(H2Frames.GOAWAY);
            assertNotNull(away, "closed without GOAWAY");
            assertEquals(H2Frames.SETTINGS_TIMEOUT, away.errorCode());
        }
    }

    @Test
    void http2StreamBody_thatStops_is408AndTheStreamReset_theConnectionServesNextStreams() throws Exception {
        int cancelledBefore = backend.cancelled();
        try (H2Frames h2 = H2Frames.connect(lb.proxyPort())) {
            h2.settingsAck();
            h2.frame(H2Frames.HEADERS, 0x4, 1, POST_ROOT).frame(H2Frames.DATA, 0, 1, new byte[10]).flush();
            h2.timeout((int) (LIMIT_MILLIS * 2 + SLACK_MILLIS));
            H2Frames.Frame answer = next(h2, H2Frames.DATA, 1);
            assertNotNull(answer, "no answer on the stalled stream");
            String body = new String(answer.payload(), StandardCharsets.UTF_8);
            assertTrue(body.startsWith("Request Timeout: no byte of the request body"), body);
            assertNotNull(next(h2, H2Frames.RST_STREAM, 1), "the stalled stream was left half-open");
            h2.get(3, "/after-stall").flush();
            assertNotNull(next(h2, H2Frames.HEADERS, 3), "the connection no longer serves streams");
        }
        Await.until("the backend saw its request cancelled", 10, () -> backend.cancelled() > cancelledBefore);
    }

    @Test
    void http2HeaderBlock_dribbledInContinuationFramesBesideABusyStream_getsGoAwayAtTheHeaderTimeout()
            throws Exception {
        try (H2Frames h2 = H2Frames.connect(lb.proxyPort())) {
            h2.settingsAck().get(1, "/sleep/10000").flush(); // keeps the connection busy: no idle timeout
            // stream 3's header block: HEADERS without END_HEADERS, then a byte of it per CONTINUATION every 300 ms
            byte[] block = H2Frames.getBlock("/dribbled");
            h2.frame(H2Frames.HEADERS, 0x1, 3, new byte[] {block[0]}).flush();
            long start = System.nanoTime();
            AtomicBoolean cut = new AtomicBoolean();
            Thread dribbler = new Thread(() -> {
                try {
                    for (int i = 1; !cut.get(); i = i % (block.length - 1) + 1) {
                        Thread.sleep(300);
                        h2.frame(H2Frames.CONTINUATION, 0, 3, new byte[] {block[i]}).flush();
                    }
                } catch (IOException | InterruptedException closed) {
                    // the proxy closed the connection: what we want
                }
            }, "continuation-dribbler");
            dribbler.setDaemon(true);
            dribbler.start();
            try {
                h2.timeout((int) (LIMIT_MILLIS + SLACK_MILLIS));
                H2Frames.Frame away;
                try {
                    away = h2.readUntil(H2Frames.GOAWAY);
                } catch (SocketTimeoutException e) {
                    away = null;
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertNotNull(away, "no GOAWAY within " + (LIMIT_MILLIS + SLACK_MILLIS) + " ms of a header block"
                        + " dribbled in");
                assertTrue(millis >= LIMIT_MILLIS - 100, "cut already after " + millis + " ms");
            } finally {
                cut.set(true);
                dribbler.join(5_000);
            }
        }
    }

    @Test
    void http2Client_openingMoreStreamsThanAllowed_getsTheExtraOneRefused() throws Exception {
        try (H2Frames h2 = H2Frames.connect(lb.proxyPort())) {
            h2.settingsAck();
            int last = 1 + 2 * 100; // the 101st stream; 100 are allowed at once
            for (int stream = 1; stream <= last; stream += 2) {
                h2.get(stream, "/sleep/5000");
            }
            h2.flush();
            H2Frames.Frame refused = next(h2, H2Frames.RST_STREAM, last);
            assertNotNull(refused, "the 101st stream was not reset");
            assertEquals(REFUSED_STREAM, refused.errorCode());
        } // closing cancels the 100 sleeping ones
    }

    @Test
    void http2Client_resettingStreamsAsFastAsItOpensThem_isDisconnected() throws Exception {
        long before = backend.requests();
        try (H2Frames h2 = H2Frames.connect(lb.proxyPort())) {
            h2.settingsAck().flush();
            int stream = 1;
            try {
                for (int i = 0; i < 1_000; i++, stream += 2) {
                    h2.get(stream, "/rapid/" + i).reset(stream, 0x8); // CANCEL
                    if (i % 50 == 0) {
                        h2.flush();
                    }
                }
                h2.flush();
            } catch (IOException cut) {
                // disconnected while still sending: what we want
            }
            h2.timeout(10_000);
            H2Frames.Frame away = h2.readUntil(H2Frames.GOAWAY);
            assertNotNull(away, "the connection closed without GOAWAY, or never");
            assertEquals(H2Frames.ENHANCE_YOUR_CALM, away.errorCode());
        }
        assertTrue(backend.requests() - before < 300, "the backend got " + (backend.requests() - before)
                + " of the reset requests");
        // and the proxy is fine
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send("GET /after HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertEquals(200, c.read("GET").status());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static final int REFUSED_STREAM = 0x7;

    /** HPACK: :method POST, :scheme http, :path / (static table), :authority localhost (literal). */
    private static final byte[] POST_ROOT = {(byte) 0x83, (byte) 0x86, (byte) 0x84, 0x01, 9, 'l', 'o', 'c', 'a', 'l',
        'h', 'o', 's', 't'};

    /** Reads frames until one of {@code type} on {@code stream}; null when the connection ended first. */
    private static H2Frames.Frame next(H2Frames h2, int type, int stream) throws IOException {
        for (;;) {
            H2Frames.Frame f = h2.readUntil(type);
            if (f == null || f.stream() == stream) {
                return f;
            }
        }
    }

    private Socket open(String start) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(100);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), lb.proxyPort()), 5_000);
        OutputStream out = s.getOutputStream();
        out.write(start.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** Connections that got an answer starting with {@code HTTP/1.1 <status>} and were then closed. */
    private static int countCut(List<Socket> sockets, String status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS * 2 + SLACK_MILLIS * 2);
        int cut = 0;
        for (Socket s : sockets) {
            StringBuilder got = new StringBuilder();
            InputStream in = s.getInputStream();
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                try {
                    int b = in.read();
                    if (b < 0) {
                        closed = true;
                    } else if (got.length() < 64) {
                        got.append((char) b);
                    }
                } catch (SocketTimeoutException wait) {
                    // keep reading until the deadline
                } catch (IOException reset) {
                    closed = true;
                }
            }
            if (closed && got.toString().startsWith("HTTP/1.1 " + status)) {
                cut++;
            }
        }
        return cut;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
