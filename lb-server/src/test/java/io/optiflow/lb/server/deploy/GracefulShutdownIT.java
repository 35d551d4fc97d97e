package io.optiflow.lb.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM to the packaged server under load, the way Kubernetes stops a pod (issue 9, graceful shutdown). Keep-alive
 * clients send requests in a loop, long requests are in flight, a WebSocket is open; then SIGTERM, and:
 * readiness goes DOWN while the proxy still serves, then the listener closes, every request the backend received is
 * answered in full, keep-alive clients are told {@code Connection: close}, the WebSocket gets a close frame (1001),
 * a request longer than {@code lb.shutdown.timeout} does not hold the exit, and the exit code is 0.
 *
 * <p>Like a kube-proxy whose endpoints were updated, the clients open no new connection once readiness is DOWN.
 * A request counts as accepted when the backend received it (the proxy read it and forwarded it).
 */
@Timeout(180)
class GracefulShutdownIT {

    private static final String DRAIN_DELAY = "2s";
    private static final long DRAIN_DELAY_MILLIS = 2_000;
    private static final long TIMEOUT_MILLIS = 5_000;
    private static final int KEEP_ALIVE_CLIENTS = 6;
    private static final long LONG_MILLIS = 3_500;

    private Path root;
    private Vertx vertx;
    private PackagedServer server;
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "shutdown-it-client");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean noNewConnections = new AtomicBoolean();
    private final AtomicBoolean stopClients = new AtomicBoolean();

    /** What one request came to. */
    private record Outcome(String id, int status, boolean complete, boolean connectionClose, String error) {
    }

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createTempDirectory("optiflow-shutdown-it");
        vertx = Vertx.vertx();
        HttpServer backend = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::backend);
        backend.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String url = "http://127.0.0.1:" + backend.actualPort();
        server = new PackagedServer(root, Map.of(
                "LB_SERVICES_WEB_BACKENDS", url,
                "LB_SERVICES_WEB_HEALTH_ENABLED", "false",
                "LB_SERVICES_WEB_RETRY_ATTEMPTS", "0",
                "LB_SERVICES_WS_BACKENDS", url,
                "LB_SERVICES_WS_MATCH_PATH_PREFIX", "/ws",
                "LB_SERVICES_WS_HEALTH_ENABLED", "false",
                "LB_SHUTDOWN_DRAIN_DELAY", DRAIN_DELAY,
                "LB_SHUTDOWN_TIMEOUT", TIMEOUT_MILLIS + "ms"));
    }

    @AfterEach
    void tearDown() throws Exception {
        stopClients.set(true);
        pool.shutdownNow();
        if (server != null) {
            server.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@code /work?ms=N&id=X}: answers after N ms with body X. {@code /ws...}: a WebSocket echo. */
    private void backend(HttpServerRequest req) {
        if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            req.toWebSocket().onSuccess(ws -> ws.textMessageHandler(ws::writeTextMessage));
            return;
        }
        String id = req.getParam("id", "?");
        received.add(id);
        long ms = Long.parseLong(req.getParam("ms", "0"));
        vertx.setTimer(Math.max(1, ms), t -> req.response().putHeader("Content-Type", "text/plain").end(id));
    }

    @Test
    void sigterm_underLoad_drainsAndExitsZero() throws Exception {
        // load: keep-alive clients in a loop, a WebSocket, long requests and one longer than the shutdown timeout
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < KEEP_ALIVE_CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> keepAliveClient(client, outcomes)));
        }
        WebSocketProbe ws = new WebSocketProbe();
        HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.proxyPort
                + "/ws/echo"), ws).get(10, TimeUnit.SECONDS).sendText("hello", true);
        assertEquals("hello", ws.firstMessage.get(10, TimeUnit.SECONDS), "the WebSocket does not echo before SIGTERM");
        List<Future<Outcome>> longOnes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "long-" + i;
            longOnes.add(pool.submit(() -> oneRequest(id, LONG_MILLIS)));
        }
        Future<Outcome> tooLong = pool.submit(() -> oneRequest("too-long", 60_000));
        awaitReceived(longOnes.size() + 1);
        Thread.sleep(300); // the keep-alive clients run

        long sigterm = System.nanoTime();
        server.process.destroy(); // SIGTERM

        // readiness DOWN first, while the proxy still takes new connections
        awaitReadinessDown();
        noNewConnections.set(true);
        Outcome duringDelay = oneRequest("during-delay", 0);
        assertEquals(200, duringDelay.status(), "a new connection during lb.shutdown.drain-delay: " + duringDelay);
        // then the listener closes
        long refusedAt = awaitRefused();
        assertTrue(refusedAt - sigterm >= TimeUnit.MILLISECONDS.toNanos(DRAIN_DELAY_MILLIS - 500),
                "the listener closed " + TimeUnit.NANOSECONDS.toMillis(refusedAt - sigterm)
                        + " ms after SIGTERM, before lb.shutdown.drain-delay=" + DRAIN_DELAY);

        assertTrue(server.process.waitFor(DRAIN_DELAY_MILLIS + TIMEOUT_MILLIS + 10_000, TimeUnit.MILLISECONDS),
                "the server did not exit after drain-delay + timeout (a request longer than the timeout must not hold"
                        + " it):\n" + server.logTail());
        assertEquals(0, server.process.exitValue(), "exit code after SIGTERM:\n" + server.logTail());

        for (Future<Outcome> f : longOnes) {
            Outcome o = f.get(5, TimeUnit.SECONDS);
            assertTrue(o.complete() && o.status() == 200, "a request in flight when the listener closed: " + o);
            assertTrue(o.connectionClose(), "its response must tell the client Connection: close: " + o);
        }
        Outcome cut = tooLong.get(5, TimeUnit.SECONDS);
        assertTrue(!cut.complete() || cut.status() != 200, "a request longer than lb.shutdown.timeout completed: " + cut);

        stopClients.set(true);
        for (Future<?> f : clients) {
            f.get(10, TimeUnit.SECONDS);
        }
        List<Outcome> lost = new ArrayList<>();
        int answered = 0;
        int closeTold = 0;
        for (Outcome o : outcomes) {
            if (o.complete()) {
                answered++;
                closeTold += o.connectionClose() ? 1 : 0;
                assertEquals(200, o.status(), "keep-alive request " + o);
            } else if (received.contains(o.id())) {
                lost.add(o);
            }
        }
        assertEquals(List.of(), lost, "requests the backend received but whose answer never reached the client");
        assertTrue(answered > KEEP_ALIVE_CLIENTS * 5, "too little load to prove anything: " + answered + " answers");
        assertTrue(closeTold >= 1, "no keep-alive client was told Connection: close (" + answered + " answers)");

        assertEquals(Integer.valueOf(1001), ws.closeStatus.get(5, TimeUnit.SECONDS),
                "the WebSocket must get a close frame, status 1001 (going away)");
    }

    // --- clients ---

    /** Requests in a loop on a keep-alive connection, a new one only while readiness is UP; records each outcome. */
    private void keepAliveClient(int client, List<Outcome> outcomes) {
        Socket socket = null;
        int n = 0;
        try {
            while (!stopClients.get()) {
                if (socket == null) {
                    if (noNewConnections.get()) {
                        return;
                    }
                    try {
                        socket = connect();
                    } catch (ConnectException refused) {
                        return;
                    }
                }
                String id = "c" + client + "-" + n++;
                Outcome o = exchange(socket, id, 150);
                outcomes.add(o);
                if (!o.complete() || o.connectionClose()) {
                    socket.close();
                    socket = null;
                }
            }
        } catch (IOException e) {
            outcomes.add(new Outcome("c" + client + "-setup", 0, false, false, e.toString()));
        } finally {
            closeQuietly(socket);
        }
    }

    private Outcome oneRequest(String id, long ms) throws IOException {
        try (Socket s = connect()) {
            return exchange(s, id, ms);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.proxyPort);
        s.setSoTimeout(60_000);
        return s;
    }

    /** One HTTP/1.1 request and its response, read whole (Content-Length or chunked). */
    private static Outcome exchange(Socket s, String id, long ms) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(("GET /work?ms=" + ms + "&id=" + id + " HTTP/1.1\r\nHost: lb.test\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String status = line(in);
            if (status == null) {
                return new Outcome(id, 0, false, false, "closed before any response byte");
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            byte[] body = chunked ? chunked(in) : in.readNBytes((int) Math.max(0, length));
            boolean complete = chunked || body.length == length;
            return new Outcome(id, code, complete, close, complete ? null : "body cut at " + body.length + " bytes");
        } catch (IOException | RuntimeException e) {
            return new Outcome(id, 0, false, false, e.toString());
        }
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String size = line(in); size != null; size = line(in)) {
            int n = Integer.parseInt(size.split(";")[0].strip(), 16);
            if (n == 0) {
                line(in);
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line(in);
        }
        throw new IOException("chunked body cut");
    }

    /** A CRLF-terminated line, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                return sb.toString().replaceFirst("\r$", "");
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    // --- waiting ---

    private void awaitReceived(int longRequests) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.stream().filter(id -> id.startsWith("long-") || id.equals("too-long")).count() < longRequests) {
            assertTrue(System.nanoTime() < deadline, "the long requests never reached the backend: " + received);
            Thread.sleep(20);
        }
    }

    private void awaitReadinessDown() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                int status = server.admin("/q/health/ready").statusCode();
                if (status == 503) {
                    return;
                }
            } catch (IOException e) {
                throw new AssertionError("the admin plane went away before readiness was DOWN: " + e
                        + "\n" + server.logTail());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("readiness still UP 5 s after SIGTERM:\n" + server.logTail());
    }

    private long awaitRefused() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.proxyPort)) {
                Thread.sleep(50);
            } catch (ConnectException refused) {
                return System.nanoTime();
            } catch (IOException other) {
                // reset while closing: try again
            }
        }
        throw new AssertionError("the data plane still accepted connections 10 s after SIGTERM:\n" + server.logTail());
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Records the first message and how the WebSocket ended: a close frame's status, or an error. */
    private static final class WebSocketProbe implements WebSocket.Listener {
        final CompletableFuture<String> firstMessage = new CompletableFuture<>();
        final CompletableFuture<Integer> closeStatus = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            firstMessage.complete(data.toString());
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeStatus.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeStatus.completeExceptionally(new AssertionError("the WebSocket ended without a close frame", error));
        }
    }
}
