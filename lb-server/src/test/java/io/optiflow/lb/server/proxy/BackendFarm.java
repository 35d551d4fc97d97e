package io.optiflow.lb.server.proxy;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Real HTTP backends on free loopback ports, started before the server under test, and the {@code lb.*} config
 * that points services at them. Tests reach the farm over HTTP (its control port, {@code optiflow.test.farm-port}),
 * which works whatever class loader the test runs in:
 * <ul>
 * <li>{@code GET /records/NAME}: the requests backend NAME received (method, uri, version, headers, body);
 *     {@code DELETE /records/NAME} forgets them;</li>
 * <li>{@code POST /stop/NAME} closes the backend (listener and connections), {@code POST /start/NAME} reopens
 *     it on the same port;</li>
 * <li>{@code GET /count/NAME}: requests received; {@code GET /aborted/NAME}: requests whose connection closed
 *     before the answer.</li>
 * </ul>
 * A backend answers {@code 200} with header {@code x-backend: NAME} and body {@code NAME METHOD URI len=N}. Query
 * {@code delay=MS} delays the answer, {@code status=N} sets the status, {@code size=N} streams N bytes. Backends
 * named {@code f1} always answers 503. Path {@code /health} answers 200 and is not recorded. Backend {@code w1}
 * also echoes WebSocket messages.
 */
public class BackendFarm implements QuarkusTestResourceLifecycleManager {

    static final String[] NAMES = {"a1", "a2", "a3", "k1", "k2", "k3", "s1", "r1", "w1", "f1", "f2", "h1"};

    private Vertx vertx;
    private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    private final Map<String, List<JsonObject>> records = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final Map<String, Integer> aborted = new ConcurrentHashMap<>();
    private HttpServer control;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        for (String n : NAMES) {
            records.put(n, new CopyOnWriteArrayList<>());
            counts.put(n, 0);
            aborted.put(n, 0);
            startBackend(n, 0);
        }
        control = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::control);
        await(control.listen());
        Map<String, String> c = new LinkedHashMap<>();
        c.put("optiflow.test.farm-port", Integer.toString(control.actualPort()));
        c.put("lb.demo.enabled", "false");
        c.put("lb.admin.password", "test-operator-pw");
        // Tests speak as a trusted proxy from 127.0.0.2 and as an ordinary client from 127.0.0.1.
        c.put("lb.proxy.trusted-proxies", "127.0.0.2/32");
        try {
            // A fresh data folder: runtime overrides of an earlier run must not leak in.
            c.put("lb.data.dir", java.nio.file.Files.createTempDirectory("lb-test-data").toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }

        service(c, "rr", "/rr", "a1,a2,a3");
        c.put("lb.services.rr.hash-key", "header:x-user");
        service(c, "kill", "/kill", "k1,k2,k3");
        c.put("lb.services.kill.health.interval", "200ms");
        c.put("lb.services.kill.health.rise", "1");
        c.put("lb.services.kill.health.fall", "2");
        c.put("lb.services.kill.passive.consecutive-failures", "2");
        c.put("lb.services.kill.passive.base-ejection-time", "1s");
        c.put("lb.services.kill.retry.attempts", "2");
        service(c, "slow", "/slow", "s1");
        c.put("lb.services.slow.timeout", "300ms");
        c.put("lb.services.slow.retry.attempts", "0");
        service(c, "limited", "/limited", "r1");
        c.put("lb.services.limited.rate-limit.rps", "0.5");
        c.put("lb.services.limited.rate-limit.burst", "2");
        service(c, "raw", "/raw", "w1");
        service(c, "retry", "/retry", "f1,f2");
        service(c, "hosted", "/", "h1");
        c.put("lb.services.hosted.match.host", "api.example.test");
        // Two ports nobody listens on: every connection is refused.
        c.put("lb.services.down.backends", "http://127.0.0.1:" + deadPort() + ",http://127.0.0.1:" + deadPort());
        c.put("lb.services.down.match.path-prefix", "/down");
        c.put("lb.services.down.health.interval", "200ms");
        c.put("lb.services.down.health.fall", "1");
        return c;
    }

    private void service(Map<String, String> c, String name, String prefix, String backends) {
        List<String> urls = new ArrayList<>();
        for (String b : backends.split(",")) {
            urls.add("http://127.0.0.1:" + ports.get(b));
        }
        c.put("lb.services." + name + ".backends", String.join(",", urls));
        c.put("lb.services." + name + ".match.path-prefix", prefix);
        c.put("lb.services." + name + ".health.path", "/health");
        c.put("lb.services." + name + ".health.interval", "500ms");
    }

    /**
     * A port where nothing listens, held (bound, never listening) until the farm stops: a port only probed and
     * closed can be handed to the next server that binds port 0 (seen: the admin port itself, whose dashboard
     * answers 200 to the health check, so the "down" service came up).
     */
    private int deadPort() {
        try {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            held.add(s);
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void startBackend(String name, int port) {
        await(listen(name, port));
    }

    private io.vertx.core.Future<HttpServer> listen(String name, int port) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(req -> handle(name, req));
        if (name.equals("w1")) {
            server.webSocketHandler(ws -> ws.handler(buf -> ws.writeTextMessage("echo:" + buf.toString())));
        }
        return server.listen().onSuccess(s -> {
            servers.put(name, s);
            ports.put(name, s.actualPort());
        });
    }

    private void handle(String name, HttpServerRequest req) {
        if (name.equals("w1") && "websocket".equalsIgnoreCase(req.getHeader("upgrade"))) {
            // Vert.x does not always hand an upgrade to webSocketHandler (seen when several Vert.x instances
            // came and went in one JVM): accept it here as well.
            req.toWebSocket().onSuccess(ws -> ws.handler(buf -> ws.writeTextMessage("echo:" + buf.toString())));
            return;
        }
        if (req.path().equals("/health")) {
            req.response().end("ok");
            return;
        }
        req.body().onSuccess(body -> {
            JsonArray headers = new JsonArray();
            req.headers().forEach(e -> headers.add(new JsonArray().add(e.getKey()).add(e.getValue())));
            records.get(name).add(new JsonObject().put("method", req.method().name()).put("uri", req.uri())
                    .put("version", req.version().name()).put("headers", headers).put("body", body.toString()));
            counts.merge(name, 1, Integer::sum);
            int status = name.equals("f1") ? 503 : intParam(req, "status", 200);
            long delay = intParam(req, "delay", 0);
            int size = intParam(req, "size", -1);
            req.response().closeHandler(v -> aborted.merge(name, 1, Integer::sum));
            Runnable answer = () -> {
                if (req.response().closed()) {
                    return;
                }
                var resp = req.response().setStatusCode(status).putHeader("x-backend", name);
                if (size >= 0) {
                    resp.setChunked(true);
                    Buffer chunk = Buffer.buffer(new byte[Math.min(size, 65536)]);
                    int left = size;
                    while (left > 0) {
                        int n = Math.min(left, chunk.length());
                        resp.write(n == chunk.length() ? chunk : chunk.slice(0, n));
                        left -= n;
                    }
                    resp.end();
                } else {
                    resp.end(name + " " + req.method().name() + " " + req.uri() + " len=" + body.length());
                }
            };
            if (delay > 0) {
                vertx.setTimer(delay, t -> answer.run());
            } else {
                answer.run();
            }
        });
    }

    private static int intParam(HttpServerRequest req, String name, int dflt) {
        String v = req.getParam(name);
        return v == null ? dflt : Integer.parseInt(v);
    }

    private void control(HttpServerRequest req) {
        String[] parts = req.path().split("/");
        String action = parts.length > 1 ? parts[1] : "";
        String name = parts.length > 2 ? parts[2] : "";
        if (!records.containsKey(name)) {
            req.response().setStatusCode(404).end("no backend " + name);
            return;
        }
        switch (action) {
            case "records" -> {
                if (req.method().name().equals("DELETE")) {
                    records.get(name).clear();
                    req.response().end("[]");
                } else {
                    req.response().end(new JsonArray(new ArrayList<>(records.get(name))).encode());
                }
            }
            case "count" -> req.response().end(Integer.toString(counts.get(name)));
            case "aborted" -> req.response().end(Integer.toString(aborted.get(name)));
            case "stop" -> servers.get(name).close().onComplete(v -> req.response().end("stopped"));
            case "start" -> listen(name, ports.get(name)).onComplete(ar -> req.response()
                    .setStatusCode(ar.succeeded() ? 200 : 500).end(ar.succeeded() ? "started" : ar.cause().toString()));
            default -> req.response().setStatusCode(404).end("no action " + action);
        }
    }

    private static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        for (Socket s : held) {
            try {
                s.close();
            } catch (java.io.IOException e) {
                // closing a never-connected socket: nothing to lose
            }
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }
}
