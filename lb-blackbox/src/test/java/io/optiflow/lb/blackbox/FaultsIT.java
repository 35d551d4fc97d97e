package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.optiflow.lb.blackbox.harness.Await;
import io.optiflow.lb.blackbox.harness.Fixture;
import io.optiflow.lb.blackbox.harness.HeapHistogram;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.LoadLoop;
import io.optiflow.lb.blackbox.harness.RawHttp;
import io.optiflow.lb.blackbox.harness.ScriptedBackend;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Backends failing in every way a proxy meets, and clients leaving: a backend killed under load (no failed GET), a
 * backend answering 503 or resetting every connection (GETs go elsewhere; a 500 passes through as the backend's
 * answer), a hanging backend (504 at the timeout), every backend down (503 with Retry-After at once), a client that
 * leaves (the backend request is cancelled), a client that does not read (the backend is held back: the proxy's
 * memory does not grow).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultsIT {

    private static Fixture fixture;
    private static ScriptedBackend a;
    private static ScriptedBackend b;
    private static ScriptedBackend victim;
    private static ScriptedBackend bad;
    private static ScriptedBackend hang;
    private static LbProcess lb;

    @BeforeAll
    static void start() {
        fixture = Fixture.create("faults-it");
        a = fixture.backend();
        b = fixture.backend();
        victim = fixture.backend();
        bad = fixture.backend();
        hang = fixture.backend();
        int dead1 = LbProcess.freePort();
        int dead2 = LbProcess.freePort();
        lb = fixture.add(fixture.server()
                .property("lb.services.kill.backends", a.url() + "," + b.url() + "," + victim.url())
                .property("lb.services.kill.match.path-prefix", "/kill")
                .property("lb.services.kill.health.enabled", "false")
                .property("lb.services.flaky.backends", a.url() + "," + bad.url())
                .property("lb.services.flaky.match.path-prefix", "/flaky")
                .property("lb.services.flaky.health.enabled", "false")
                .property("lb.services.flaky.passive.consecutive-failures", "0")
                // every GET to the bad backend is retried: half the requests (a retry budget of 20 % is there to
                // keep a struggling service from a retry storm, and would pass the 503s on after its floor of 10)
                .property("lb.services.flaky.retry.budget-percent", "100")
                .property("lb.services.hang.backends", hang.url())
                .property("lb.services.hang.match.path-prefix", "/hang")
                .property("lb.services.hang.health.enabled", "false")
                .property("lb.services.hang.timeout", "1s")
                .property("lb.services.down.backends", "http://127.0.0.1:" + dead1 + ",http://127.0.0.1:" + dead2)
                .property("lb.services.down.match.path-prefix", "/down")
                .property("lb.services.down.health.interval", "200ms")
                .property("lb.services.down.health.timeout", "200ms")
                .property("lb.services.direct.backends", a.url())
                .property("lb.services.direct.match.path-prefix", "/")
                .property("lb.services.direct.health.enabled", "false")
                .jvmArg("-Xmx256m").start());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void backendKilledUnderLoad_noIdempotentGetFails() throws Exception {
        LoadLoop load = new LoadLoop(lb.proxyPort(), "/kill/echo/", 4);
        try {
            Await.until("traffic flowing", 30, () -> load.succeeded() > 300);
            victim.close(); // its server gone: connections refused, those open reset
            long atKill = load.succeeded();
            Await.until("traffic after the kill", 30, () -> load.succeeded() > atKill + 1500);
        } finally {
            load.close();
        }
        System.out.printf("FaultsIT: backend killed under load: %d GETs, %d failed%n", load.succeeded()
                + load.failed(), load.failed());
        assertEquals(0, load.failed(), load.failures());
    }

    @Test
    void backendAnswering503OrResettingEverything_getsGoElsewhere_a500PassesThrough() throws Exception {
        bad.misbehave(503);
        for (int i = 0; i < 40; i++) {
            assertEquals(200, get("/flaky/echo/" + i).status(), "GET " + i + " with one backend answering 503");
        }
        bad.misbehave(-1);
        for (int i = 0; i < 40; i++) {
            assertEquals(200, get("/flaky/echo/r" + i).status(), "GET " + i + " with one backend resetting");
        }
        bad.misbehave(500);
        int fiveHundreds = 0;
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = get("/flaky/echo/s" + i);
            assertTrue(r.status() == 200 || r.status() == 500, r.toString());
            fiveHundreds += r.status() == 500 ? 1 : 0;
        }
        bad.misbehave(0);
        assertTrue(fiveHundreds > 0, "a backend's 500 is its answer, passed on (not retried)");
    }

    @Test
    void hangingBackend_is504AtTheServiceTimeout() throws Exception {
        long start = System.nanoTime();
        RawHttp.Response r = get("/hang/hold/1");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(504, r.status(), r.toString());
        assertTrue(millis >= 1_000 && millis < 5_000, "504 after " + millis + " ms, timeout 1 s");
        hang.releaseHeld();
    }

    @Test
    void allBackendsDown_is503WithRetryAfterAtOnce() throws Exception {
        Await.until("both backends of 'down' seen DOWN", 30, () -> {
            JsonNode s = lb.admin().json("/api/v1/services/down");
            int down = 0;
            for (JsonNode backend : s.get("backends")) {
                down += "DOWN".equals(backend.get("health").asText()) ? 1 : 0;
            }
            return down == 2;
        });
        long start = System.nanoTime();
        RawHttp.Response r = get("/down/x");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(503, r.status(), r.toString());
        assertEquals("1", r.header("Retry-After"));
        assertTrue(millis < 1_000, "503 took " + millis + " ms: it should not wait for any timeout");
    }

    @Test
    void clientLeavingMidRequest_cancelsTheBackendRequest() throws Exception {
        int before = hang.cancelled();
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send("GET /hang/hold/leaving HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Await.until("the request held by the backend", 10, () -> hang.heldCount() > 0);
        }
        Await.until("the backend request cancelled", 10, () -> hang.cancelled() > before);
        hang.releaseHeld();
    }

    @Test
    void clientNotReading_holdsTheBackendBack_andTheProxysHeapDoesNotGrow() throws Exception {
        HeapHistogram heapBefore = HeapHistogram.of(lb.pid());
        long writtenBefore = a.writtenBytes();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.setSoTimeout(30_000);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), lb.proxyPort()), 5_000);
            s.getOutputStream().write(("GET /bytes/" + (1L << 30) + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(3_000); // not reading
            long written = a.writtenBytes() - writtenBefore;
            HeapHistogram heapDuring = HeapHistogram.of(lb.pid());
            long growth = heapDuring.totalBytes() - heapBefore.totalBytes();
            System.out.printf("FaultsIT: slow reader: backend wrote %,d of 1 GiB in 3 s; proxy live heap %+,d"
                    + " bytes%n", written, growth);
            assertTrue(written < 64L << 20, "the backend wrote " + written + " bytes to a client that reads"
                    + " nothing: no back-pressure");
            assertTrue(growth < 32L << 20, "the proxy's live heap grew by " + growth + " bytes:\n"
                    + heapDuring.growthSince(heapBefore, 10));
            // now read a little: the stream moves again
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1 << 16];
            long read = 0;
            while (read < (8 << 20)) {
                int n = in.read(buf);
                assertTrue(n > 0, "the stream ended early");
                read += n;
            }
        }
    }

    private static RawHttp.Response get(String path) throws Exception {
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            return c.read("GET");
        }
    }

}
