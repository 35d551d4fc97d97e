package io.optiflow.lb.blackbox.harness;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP backend (Vert.x) whose behaviour the request path chooses (after any prefix), for fault and protocol
 * cases:
 * <ul>
 *   <li>{@code /hold/...}: answered only when {@link #releaseHeld} is called (at most 30 s);</li>
 *   <li>{@code /status/<n>}: answers status n;</li>
 *   <li>{@code /bytes/<n>}: streams n bytes (chunked, in 64 KiB parts, with back-pressure);</li>
 *   <li>{@code /sleep/<ms>}: answers after ms;</li>
 *   <li>{@code /reset}: closes the connection without an answer;</li>
 *   <li>{@code /headers}: answers the request headers it received, one {@code name: value} a line;</li>
 *   <li>{@code /echo/...}: answers the request's method, target and body length, {@code GET /echo/x 0};</li>
 *   <li>{@code /hop}: answers with hop-by-hop headers of its own ({@code Connection: X-Backend-Secret},
 *       {@code X-Backend-Secret}, {@code Keep-Alive}, {@code Proxy-Authenticate}) that must not reach the client;</li>
 *   <li>anything else: 200 with its id, after reading and counting the request body.</li>
 * </ul>
 * {@link #misbehave} makes it answer every request with one status, or reset every connection, whatever the path.
 * WebSocket upgrades are accepted and echo every message as it came (text as text, binary as binary). Every request is counted; requests cut by the proxy
 * (the connection closed before the answer) are counted as {@link #cancelled}.
 */
public final class ScriptedBackend implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final Vertx vertx;
    private final HttpServer server;
    private final String id;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
    /** 0: behave; a status: answer it to everything; -1: reset every connection. */
    private volatile int misbehaviour;

    private final String scheme;

    private ScriptedBackend(Vertx vertx, HttpServer server, String host, String scheme) {
        this.vertx = vertx;
        this.server = server;
        this.id = host + ":" + server.actualPort();
        this.scheme = scheme;
    }

    /** Starts one on a free loopback port (its own Vert.x, one event loop). */
    public static ScriptedBackend start() {
        return start(new HttpServerOptions(), "127.0.0.1", "http");
    }

    /** One speaking HTTPS with this certificate (PEM); its id uses {@code host}, which the certificate names. */
    public static ScriptedBackend startTls(Path certFile, Path keyFile, String host) {
        return start(new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(certFile.toString()).setKeyPath(keyFile.toString())), host, "https");
    }

    private static ScriptedBackend start(HttpServerOptions options, String host, String scheme) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        CompletableFuture<HttpServer> started = new CompletableFuture<>();
        ScriptedBackend[] self = new ScriptedBackend[1];
        vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0)
                        .setHandle100ContinueAutomatically(true).setMaxWebSocketMessageSize(1 << 20))
                .requestHandler(r -> self[0].handle(r))
                .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage)
                        .binaryMessageHandler(ws::writeBinaryMessage))
                .listen().onComplete(ar -> {
                    if (ar.succeeded()) {
                        started.complete(ar.result());
                    } else {
                        started.completeExceptionally(ar.cause());
                    }
                });
        try {
            self[0] = new ScriptedBackend(vertx, started.get(10, TimeUnit.SECONDS), host, scheme);
            return self[0];
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("backend did not start", e);
        }
    }

    public String id() {
        return id;
    }

    public String url() {
        return scheme + "://" + id;
    }

    public long requests() {
        return requests.get();
    }

    /** Request body bytes read so far. */
    public long bodyBytes() {
        return bodyBytes.get();
    }

    /** Response body bytes handed to the connection by {@code /bytes/} so far. */
    public long writtenBytes() {
        return written.get();
    }

    /** Requests whose connection closed before they were answered. */
    public int cancelled() {
        return cancelled.get();
    }

    /** Requests held now. */
    public int heldCount() {
        return held.size();
    }

    /** From now on: answer every request with {@code status} (e.g. 503), or reset every connection ({@code -1}). */
    public void misbehave(int status) {
        misbehaviour = status;
    }

    /** Answers every held request (200, its id). */
    public void releaseHeld() {
        List<HttpServerRequest> now = new ArrayList<>();
        for (HttpServerRequest r; (r = held.poll()) != null; ) {
            now.add(r);
        }
        for (HttpServerRequest r : now) {
            vertx.runOnContext(v -> {
                if (!r.response().closed()) {
                    r.response().end(id);
                }
            });
        }
    }

    /** Keywords of the paths, found after any prefix (a service's path prefix, say {@code /kill/hold/1}). */
    private static final String[] VERBS = {"/hold/", "/status/", "/sleep/", "/bytes/", "/reset", "/echo/", "/hop",
        "/headers"};

    private static String verbPath(String path) {
        for (String v : VERBS) {
            int i = path.indexOf(v);
            if (i >= 0) {
                return path.substring(i);
            }
        }
        return path;
    }

    private void handle(HttpServerRequest r) {
        requests.incrementAndGet();
        String path = verbPath(r.path());
        HttpServerResponse resp = r.response();
        resp.closeHandler(v -> {
            if (!resp.ended()) {
                cancelled.incrementAndGet();
            }
        });
        long[] length = {0};
        r.handler(b -> {
            bodyBytes.addAndGet(b.length());
            length[0] += b.length();
        });
        r.exceptionHandler(e -> { });
        int bad = misbehaviour;
        if (bad == -1) {
            r.connection().close();
            return;
        } else if (bad > 0) {
            r.end().onComplete(done -> resp.setStatusCode(bad).end(id));
            return;
        }
        if (path.startsWith("/hold/")) {
            held.add(r);
            vertx.setTimer(30_000, t -> {
                if (held.remove(r) && !resp.closed()) {
                    resp.setStatusCode(500).end("held too long");
                }
            });
            return;
        }
        if (path.startsWith("/reset")) {
            r.connection().close();
            return;
        }
        r.end().onComplete(done -> answer(r, path, resp, length[0]));
    }

    private void answer(HttpServerRequest r, String path, HttpServerResponse resp, long bodyLength) {
        if (resp.closed()) {
            return;
        }
        if (path.startsWith("/status/")) {
            int status = Integer.parseInt(path.substring(8));
            resp.setStatusCode(status);
            if (status == 204 || status == 304) {
                resp.end(); // no body, as HTTP says
            } else {
                resp.end(id);
            }
        } else if (path.startsWith("/sleep/")) {
            vertx.setTimer(Long.parseLong(path.substring(7)), t -> {
                if (!resp.closed()) {
                    resp.end(id);
                }
            });
        } else if (path.startsWith("/bytes/")) {
            stream(resp, Long.parseLong(path.substring(7)));
        } else if (path.startsWith("/echo/")) {
            resp.end(r.method().name() + " " + r.uri() + " " + bodyLength);
        } else if (path.startsWith("/hop")) {
            resp.putHeader("Connection", "X-Backend-Secret").putHeader("X-Backend-Secret", "leak")
                    .putHeader("Keep-Alive", "timeout=99").putHeader("Proxy-Authenticate", "Basic")
                    .putHeader("X-End-To-End", "kept").end(id);
        } else if (path.startsWith("/headers")) {
            StringBuilder sb = new StringBuilder();
            r.headers().forEach(h -> sb.append(h.getKey().toLowerCase()).append(": ").append(h.getValue())
                    .append('\n'));
            resp.end(sb.toString());
        } else {
            resp.end(id);
        }
    }

    /** Streams {@code remaining} bytes in parts, writing only while the connection takes them (back-pressure). */
    private void stream(HttpServerResponse resp, long total) {
        resp.setChunked(true);
        Buffer part = Buffer.buffer(new byte[CHUNK]);
        long[] left = {total};
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (left[0] > 0 && !resp.writeQueueFull() && !resp.closed()) {
                int n = (int) Math.min(CHUNK, left[0]);
                left[0] -= n;
                resp.write(n == CHUNK ? part : part.slice(0, n));
                written.addAndGet(n);
            }
            if (resp.closed()) {
                return;
            }
            if (left[0] == 0) {
                resp.end();
            } else {
                resp.drainHandler(v -> pump[0].run());
            }
        };
        pump[0].run();
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        vertx.close();
    }
}
