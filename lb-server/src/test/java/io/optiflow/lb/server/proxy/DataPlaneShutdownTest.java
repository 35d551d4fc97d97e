package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.RawHttp.readHead;
import static io.optiflow.lb.server.proxy.RawHttp.readResponse;
import static io.optiflow.lb.server.proxy.RawHttp.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The graceful-shutdown primitives of {@link DataPlane}, on a data plane of its own (no Quarkus) in front of a
 * raw-socket backend: stop accepting, drain keep-alive connections, count and await requests in flight, close
 * WebSocket tunnels with status 1001.
 */
@Timeout(30)
class DataPlaneShutdownTest {

    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final BlockingQueue<byte[]> tunnelReceived = new LinkedBlockingQueue<>();
    private ServerSocket backend;
    private StandaloneDataPlane standalone;
    private DataPlane plane;
    private int port;

    @BeforeEach
    void start() throws Exception {
        backend = RawHttp.backend("test-backend", this::serve);
        standalone = new StandaloneDataPlane(List.of(backend.getLocalPort()), 30_000, 1);
        plane = standalone.plane;
        port = standalone.port;
    }

    @AfterEach
    void stop() throws IOException {
        releaseSlow.countDown();
        standalone.close();
        backend.close();
    }

    @Test
    void drain_idleClosedNow_busyAnsweredWithConnectionCloseThenClosed_inFlightAwaited() throws Exception {
        try (Socket idle = client(); Socket busy = client()) {
            send(idle, "GET /fast HTTP/1.1\r\nHost: a\r\n\r\n");
            String first = readResponse(idle);
            assertTrue(first.startsWith("HTTP/1.1 200"), first);
            send(busy, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            waitFor(() -> plane.inFlight() == 1);

            plane.stopAccepting().get(5, TimeUnit.SECONDS);
            // The listener is closed (a connect attempt is no proof on a busy machine: the freed port may be taken).
            assertEquals(-1, plane.port(), "listener closed");
            plane.drainConnections();
            assertEquals(-1, idle.getInputStream().read(), "an idle keep-alive connection is closed at once");
            assertFalse(plane.awaitIdle(Duration.ofMillis(100)), "the slow request is still in flight");

            releaseSlow.countDown();
            String last = readResponse(busy);
            assertTrue(last.startsWith("HTTP/1.1 200"), last);
            assertTrue(last.toLowerCase().contains("connection: close"), "told to go away: " + last);
            assertEquals(-1, busy.getInputStream().read(), "closed after its response");
            assertTrue(plane.awaitIdle(Duration.ofSeconds(5)));
            assertEquals(0, plane.inFlight());
        }
    }

    @Test
    void closeTunnels_openWebSocket_closeFrame1001BothWaysThenClosed() throws Exception {
        try (Socket ws = client()) {
            send(ws, "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            String handshake = readResponse(ws);
            assertTrue(handshake.startsWith("HTTP/1.1 101"), handshake);
            waitFor(() -> plane.openTunnels() == 1);
            assertEquals(0, plane.inFlight(), "a tunnel is not a request in flight");

            plane.closeTunnels();
            byte[] toClient = ws.getInputStream().readNBytes(4);
            assertArrayEquals(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xE9}, toClient, "unmasked close, 1001");
            assertEquals(-1, ws.getInputStream().read(), "then closed");
            byte[] toBackend = tunnelReceived.poll(5, TimeUnit.SECONDS);
            assertTrue(toBackend != null && toBackend.length == 8, "a masked close frame reached the backend");
            assertEquals((byte) 0x88, toBackend[0]);
            assertEquals((byte) 0x82, toBackend[1]);
            int code = ((toBackend[6] ^ toBackend[2]) & 0xff) << 8 | ((toBackend[7] ^ toBackend[3]) & 0xff);
            assertEquals(1001, code);
            waitFor(() -> plane.openTunnels() == 0);
        }
    }

    // ------------------------------------------------------------------ helpers

    private Socket client() throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        return s;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "condition not reached within 5 s");
            Thread.sleep(10);
        }
    }

    /** The backend, on raw sockets: {@code /slow} waits for the test, {@code /ws} upgrades and records what comes. */
    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head.isEmpty()) {
                    return;
                }
                if (head.startsWith("GET /ws")) {
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    s.setSoTimeout(10_000);
                    tunnelReceived.add(in.readNBytes(8));
                    return;
                }
                if (head.startsWith("GET /slow")) {
                    releaseSlow.await(20, TimeUnit.SECONDS);
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (SocketTimeoutException e) {
            // the test is over
        } catch (IOException | InterruptedException e) {
            // connection gone
        }
    }
}
