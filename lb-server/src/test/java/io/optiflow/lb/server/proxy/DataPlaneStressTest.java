package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.RawHttp.headerValue;
import static io.optiflow.lb.server.proxy.RawHttp.readHead;
import static io.optiflow.lb.server.proxy.RawHttp.readLine;
import static io.optiflow.lb.server.proxy.RawHttp.readResponse;
import static io.optiflow.lb.server.proxy.RawHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races of the data plane that a single request on a quiet machine does not show (each once failed a full build on
 * a loaded machine): bounded loops of fresh connections against a data plane with one event loop (so every client
 * connection shares the one backend pool), a raw-socket backend, and a backend timeout far longer than the
 * clients wait, so a request that hangs fails the test instead of ending in a 504.
 */
@Timeout(60)
class DataPlaneStressTest {

    /** Size of the {@code /chunked} body: many read cycles of the proxy, in small chunks. */
    private static final int CHUNKED_SIZE = 512 * 1024;
    private static final byte[] CHUNKED_RESPONSE = chunkedResponse(CHUNKED_SIZE, 1000);

    private ServerSocket backend;
    private StandaloneDataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        backend = RawHttp.backend("stress-backend", this::serve);
        proxy = new StandaloneDataPlane(List.of(backend.getLocalPort()), 60_000, 1);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        backend.close();
    }

    /**
     * A response paused for a slow client (backend reads off) can end within the read that paused it; the connection
     * then went back to the pool with reads still off, and the next request on it was never answered (the flaky
     * ProxyForwardingTest cases ran after a 25 MB download from the same backend).
     */
    @Test
    void pooledConnection_chunkedResponseEndedWhileClientSlow_nextRequestOnItAnswered() throws Exception {
        for (int i = 0; i < 8; i++) {
            try (Socket c = new Socket()) {
                c.setReceiveBufferSize(4096);
                c.connect(new InetSocketAddress("127.0.0.1", proxy.port), 5000);
                c.setSoTimeout(5000);
                send(c, "GET /chunked HTTP/1.1\r\nHost: a\r\n\r\n");
                String head = readHead(c.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                assertEquals(CHUNKED_SIZE, readChunkedSlowly(c.getInputStream()), "body length, round " + i);
                send(c, "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
                String next = answerOrNull(c);
                assertTrue(next != null && next.startsWith("HTTP/1.1 200"),
                        "round " + i + ": the request after a slowly read chunked response got " + next);
            }
        }
    }

    /** A backend that closes each connection right after its response: a pooled connection is often stale. */
    @Test
    void pooledConnections_backendClosesAfterEachResponse_everyRequestAnswered() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(clients.submit(() -> {
                    List<String> failures = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        try (Socket c = new Socket("127.0.0.1", proxy.port)) {
                            c.setSoTimeout(5000);
                            send(c, "GET /close HTTP/1.1\r\nHost: a\r\n\r\n");
                            String r = answerOrNull(c);
                            if (r == null || !r.startsWith("HTTP/1.1 200")) {
                                failures.add(r == null ? "no answer within 5 s" : r.lines().findFirst().orElse(r));
                            }
                        }
                    }
                    return failures;
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<List<String>> f : results) {
                failures.addAll(f.get(50, TimeUnit.SECONDS));
            }
            assertEquals(List.of(), failures, "requests not answered 200 out of 200");
        } finally {
            clients.shutdownNow();
        }
    }

    /** h2c with prior knowledge, a fresh connection each round: a GET, then a POST whose body waits for a connection. */
    @Test
    void h2c_freshConnections_getAndPostAnswered() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Buffer body = Buffer.buffer(new byte[100_000]);
            for (int i = 0; i < 30; i++) {
                HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
                try {
                    String got = client.request(HttpMethod.GET, proxy.port, "127.0.0.1", "/ok")
                            .compose(req -> req.send())
                            .compose(resp -> resp.body().map(b -> resp.version() + " " + resp.statusCode() + " " + b))
                            .compose(first -> client.request(HttpMethod.POST, proxy.port, "127.0.0.1", "/echo")
                                    .compose(req -> req.send(body))
                                    .compose(resp -> resp.body().map(b -> first + " | " + resp.statusCode() + " " + b)))
                            .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                    assertEquals("HTTP_2 200 ok | 200 len=100000", got, "round " + i);
                } catch (java.util.concurrent.TimeoutException e) {
                    fail("round " + i + ": no answer over h2c within 5 s");
                } finally {
                    client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ client side

    /** A response (head and Content-Length body), or null when none came within the socket's timeout. */
    private static String answerOrNull(Socket c) throws IOException {
        try {
            return readResponse(c);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Reads a chunked body a few KB at a time with pauses, so the proxy's writes to this client back up. */
    private static long readChunkedSlowly(InputStream in) throws IOException, InterruptedException {
        long total = 0;
        byte[] buf = new byte[4096];
        int sinceNap = 0;
        while (true) {
            int size = Integer.parseInt(readLine(in).trim(), 16);
            if (size == 0) {
                readLine(in); // the blank line after the last chunk
                return total;
            }
            int left = size;
            while (left > 0) {
                int n = in.read(buf, 0, Math.min(left, buf.length));
                if (n < 0) {
                    throw new IOException("body cut after " + total + " bytes");
                }
                left -= n;
                total += n;
                sinceNap += n;
                if (sinceNap >= 16 * 1024) {
                    sinceNap = 0;
                    Thread.sleep(1);
                }
            }
            readLine(in); // CR LF after the chunk
        }
    }

    // ------------------------------------------------------------------ backend

    private static byte[] chunkedResponse(int size, int chunk) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(size + size / chunk * 8 + 100);
        b.writeBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] data = new byte[chunk];
        for (int left = size; left > 0; left -= chunk) {
            int n = Math.min(chunk, left);
            b.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            b.write(data, 0, n);
            b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        b.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return b.toByteArray();
    }

    /**
     * {@code /chunked}: {@link #CHUNKED_SIZE} bytes in 1000-byte chunks, written at once; {@code /close}: "ok", then
     * the connection closes (no {@code Connection: close}: the proxy pools it); {@code /echo}: the body's length;
     * anything else: "ok".
     */
    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head.isEmpty()) {
                    return;
                }
                long len = readBody(in, head);
                if (head.startsWith("GET /chunked ")) {
                    out.write(CHUNKED_RESPONSE);
                } else {
                    String text = head.startsWith("POST /echo ") ? "len=" + len : "ok";
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + text.length() + "\r\n\r\n" + text)
                            .getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
                if (head.startsWith("GET /close ")) {
                    return;
                }
            }
        } catch (IOException e) {
            // connection gone, or the test is over
        }
    }

    /** Reads (and counts) a request body framed by Content-Length or chunked. */
    private static long readBody(InputStream in, String head) throws IOException {
        String length = headerValue(head, "content-length");
        if (length != null) {
            long n = Long.parseLong(length);
            in.skipNBytes(n);
            return n;
        }
        if (!"chunked".equalsIgnoreCase(headerValue(head, "transfer-encoding"))) {
            return 0;
        }
        long total = 0;
        while (true) {
            int size = Integer.parseInt(readLine(in).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return total;
            }
            in.skipNBytes(size);
            total += size;
            readLine(in);
        }
    }
}
