package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.RawHttp.headerValue;
import static io.optiflow.lb.server.proxy.RawHttp.readHead;
import static io.optiflow.lb.server.proxy.RawHttp.readResponse;
import static io.optiflow.lb.server.proxy.RawHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a response reaches the client: the head is held until its body begins, so a response read whole in one read
 * goes out as one message; one whose body comes later must not keep its head back. Also what the backend receives
 * for a body-less request (head and end written as one message). Raw sockets on both sides.
 */
@Timeout(30)
class ResponseWritesTest {

    private static final String SMALL = "x".repeat(100);
    private static final String MEDIUM = "y".repeat(5000);

    private ServerSocket backend;
    private StandaloneDataPlane proxy;
    /** {@code /late}: counted down by the test once the client has the head; the backend then sends the body. */
    private final CountDownLatch headSeen = new CountDownLatch(1);
    /** Request heads the backend read, and the bytes that followed them (none for a body-less request). */
    private final List<String> backendHeads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger backendConnections = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        backend = RawHttp.backend("writes-backend", this::serve);
        proxy = new StandaloneDataPlane(List.of(backend.getLocalPort()), 20_000, 1);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        backend.close();
    }

    @Test
    void bodyAfterAPause_headReachesClientBeforeTheBodyIsSent() throws Exception {
        try (Socket c = client()) {
            send(c, "GET /late HTTP/1.1\r\nHost: a\r\n\r\n");
            String head;
            try {
                head = readHead(c.getInputStream());
            } catch (SocketTimeoutException e) {
                head = null;
            }
            headSeen.countDown();
            assertTrue(head != null && head.startsWith("HTTP/1.1 200"),
                    "the head must come while the backend holds the body back; got " + head);
            assertEquals("late body", new String(c.getInputStream().readNBytes(9), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void wholeResponsesInOneRead_smallMediumHeadAnd204_exactOnTheWireAndConnectionReused() throws Exception {
        try (Socket c = client()) {
            for (int round = 0; round < 3; round++) {
                send(c, "GET /small HTTP/1.1\r\nHost: a\r\n\r\n");
                String small = readResponse(c);
                assertTrue(small.startsWith("HTTP/1.1 200"), small);
                assertTrue(small.endsWith("\r\n\r\n" + SMALL), small);
                send(c, "GET /medium HTTP/1.1\r\nHost: a\r\n\r\n");
                String medium = readResponse(c);
                assertTrue(medium.endsWith("\r\n\r\n" + MEDIUM), "medium body, round " + round);
                send(c, "HEAD /small HTTP/1.1\r\nHost: a\r\n\r\n");
                String head = readHead(c.getInputStream()); // no body follows a HEAD answer
                assertEquals("100", headerValue(head, "content-length"), head);
                send(c, "GET /empty HTTP/1.1\r\nHost: a\r\n\r\n");
                String empty = readHead(c.getInputStream());
                assertTrue(empty.startsWith("HTTP/1.1 204"), empty);
                assertNull(headerValue(empty, "transfer-encoding"), empty);
            }
            c.setSoTimeout(300);
            assertEquals(-1, readOrTimeout(c.getInputStream()), "nothing after the last answer");
        }
        assertEquals(1, backendConnections.get(), "one pooled backend connection for all twelve requests");
    }

    @Test
    void bodylessRequest_backendGetsTheHeadAndNothingElse_thenTheNextRequest() throws Exception {
        try (Socket c = client()) {
            send(c, "GET /small HTTP/1.1\r\nHost: a\r\nX-Kept: k\r\n\r\n");
            readResponse(c);
            send(c, "DELETE /small HTTP/1.1\r\nHost: a\r\n\r\n");
            readResponse(c);
        }
        assertEquals(2, backendHeads.size(), backendHeads.toString());
        String first = backendHeads.get(0);
        assertTrue(first.startsWith("GET /small HTTP/1.1\r\n"), first);
        assertEquals("k", headerValue(first, "x-kept"));
        assertEquals("127.0.0.1", headerValue(first, "x-forwarded-for"));
        assertNull(headerValue(first, "content-length"), "no framing invented for a body-less request: " + first);
        assertNull(headerValue(first, "transfer-encoding"), first);
        assertTrue(backendHeads.get(1).startsWith("DELETE /small HTTP/1.1\r\n"),
                "the next request follows on the same connection with nothing between: " + backendHeads.get(1));
    }

    // ------------------------------------------------------------------ helpers

    private Socket client() throws IOException {
        Socket c = new Socket("127.0.0.1", proxy.port);
        c.setSoTimeout(5000);
        return c;
    }

    private static int readOrTimeout(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            return -1;
        }
    }

    /**
     * {@code /late}: the head, then the body only once the test saw the head (at most 10 s later); {@code /small},
     * {@code /medium}: a Content-Length body written with the head; {@code /empty}: 204. Keep-alive throughout.
     */
    private void serve(Socket s) {
        backendConnections.incrementAndGet();
        try (s) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head.isEmpty()) {
                    return;
                }
                backendHeads.add(head);
                if (head.startsWith("GET /late ")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    headSeen.await(10, TimeUnit.SECONDS);
                    out.write("late body".getBytes(StandardCharsets.ISO_8859_1));
                } else if (head.contains(" /empty ")) {
                    out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    String body = head.contains(" /medium ") ? MEDIUM : SMALL;
                    String answer = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n"
                            + (head.startsWith("HEAD ") ? "" : body);
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
            }
        } catch (IOException e) {
            // connection gone, or the test is over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
