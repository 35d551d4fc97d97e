package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.LbTestSupport.clearRecords;
import static io.optiflow.lb.server.proxy.LbTestSupport.get;
import static io.optiflow.lb.server.proxy.LbTestSupport.header;
import static io.optiflow.lb.server.proxy.LbTestSupport.raw;
import static io.optiflow.lb.server.proxy.LbTestSupport.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.server.proxy.LbTestSupport.RawResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What reaches the backend and what comes back: distribution, headers, routing, bodies, upgrades, h2c. */
@QuarkusTest
@QuarkusTestResource(value = BackendFarm.class, restrictToAnnotatedClass = true)
@Timeout(120)
class ProxyForwardingTest {

    @Inject
    ProxyServer proxy;

    @Inject
    ControlPlane controlPlane;

    @Inject
    StrategyRegistry registry;

    /** Sends {@code n} GETs to /rr with {@code threads} in parallel (header x-user varies) and counts answers by backend. */
    private Map<String, Integer> spread(int n, int threads) throws Exception {
        Map<String, Integer> by = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        HttpResponse<String> r = get(proxy.actualPort(), "/rr/item", "x-user", "user-" + i);
                        assertEquals(200, r.statusCode(), r.body());
                        by.merge(r.headers().firstValue("x-backend").orElse("?"), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new TreeMap<>(by);
    }

    @Test
    void roundRobin_sequentialGets_exactlyEvenAcrossBackends() throws Exception {
        if (!controlPlane.service("rr").strategy().equals("round-robin")) {
            controlPlane.switchStrategy("rr", "round-robin", Map.of(), "test");
        }
        Map<String, Integer> by = spread(300, 1);
        assertEquals(Map.of("a1", 100, "a2", 100, "a3", 100), by);
    }

    @Test
    void everyStrategy_concurrentGets_allAnsweredAndEveryBackendUsed() throws Exception {
        List<String> tested = new ArrayList<>();
        for (StrategyDescriptor d : registry.strategies()) {
            StrategyProvider<?> p = registry.find(d.name()).orElseThrow();
            if (!p.parseConfig(Map.of()).isValid()) {
                continue; // needs config we cannot guess
            }
            controlPlane.switchStrategy("rr", d.name(), Map.of(), "test");
            Map<String, Integer> by = spread(300, 6);
            assertEquals(300, by.values().stream().mapToInt(Integer::intValue).sum(), d.name() + ": " + by);
            for (String b : List.of("a1", "a2", "a3")) {
                // Each backend equal weight and healthy: any sane strategy gives each a visible share.
                assertTrue(by.getOrDefault(b, 0) >= 15, d.name() + " starved " + b + ": " + by);
            }
            tested.add(d.name());
        }
        controlPlane.resetStrategy("rr", "test");
        assertTrue(tested.contains("round-robin"), "strategies tested: " + tested);
    }

    @Test
    void forwardedRequest_hopByHopRemovedAndForwardingHeadersSet() {
        clearRecords("w1");
        RawResponse r = raw(proxy.actualPort(), "GET /raw/h?x=1 HTTP/1.1\r\nHost: shop.example:8080\r\n"
                + "Connection: close, X-Secret-Hop\r\nX-Secret-Hop: s3cr3t\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Authorization: Basic Zm9v\r\nTE: trailers\r\nX-Forwarded-For: 6.6.6.6\r\n"
                + "Forwarded: for=6.6.6.6\r\nX-Forwarded-Proto: https\r\nX-Kept: yes\r\n\r\n");
        assertEquals(200, r.status(), r.text());
        List<JsonObject> got = records("w1");
        assertEquals(1, got.size());
        JsonObject req = got.get(0);
        assertEquals("/raw/h?x=1", req.getString("uri"));
        assertEquals(List.of("shop.example:8080"), header(req, "host"));
        assertEquals(List.of("yes"), header(req, "x-kept"));
        for (String h : List.of("x-secret-hop", "keep-alive", "proxy-authorization", "te")) {
            assertEquals(List.of(), header(req, h), h + " must not be forwarded");
        }
        // The client is not a trusted proxy: its forwarding headers are replaced, not extended.
        assertEquals(List.of("127.0.0.1"), header(req, "x-forwarded-for"));
        assertEquals(List.of("http"), header(req, "x-forwarded-proto"));
        assertEquals(List.of("shop.example:8080"), header(req, "x-forwarded-host"));
        assertEquals(List.of("for=127.0.0.1;host=\"shop.example:8080\";proto=http"), header(req, "forwarded"));
    }

    @Test
    void trustedProxyPeer_forwardingHeadersKeptAndExtended() throws Exception {
        clearRecords("w1");
        RawResponse r;
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0.2", 0));
            s.connect(new InetSocketAddress("127.0.0.1", proxy.actualPort()), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET /raw/t HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n"
                    + "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\n"
                    + "X-Forwarded-Host: www.shop.example\r\nForwarded: for=203.0.113.9;proto=https\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            r = LbTestSupport.readAll(s);
        }
        assertEquals(200, r.status(), r.text());
        JsonObject req = records("w1").get(0);
        assertEquals(List.of("203.0.113.9, 127.0.0.2"), header(req, "x-forwarded-for"));
        assertEquals(List.of("https"), header(req, "x-forwarded-proto"));
        assertEquals(List.of("www.shop.example"), header(req, "x-forwarded-host"));
        assertEquals(List.of("for=203.0.113.9;proto=https, for=127.0.0.2;host=\"shop.example\";proto=http"),
                header(req, "forwarded"));
    }

    @Test
    void hostMatch_winsOverPathPrefix_otherHostsUsePath() {
        HttpResponse<String> hosted = get(proxy.actualPort(), "/rr/x", "x-user", "u");
        assertTrue(hosted.headers().firstValue("x-backend").orElse("").startsWith("a"), hosted.body());
        RawResponse r = raw(proxy.actualPort(), "GET /rr/x HTTP/1.1\r\nHost: API.example.test:8080\r\nConnection: close\r\n\r\n");
        assertTrue(r.lower().contains("x-backend: h1"), r.text());
    }

    @Test
    void unknownPath_404() {
        HttpResponse<String> r = get(proxy.actualPort(), "/nothing-here");
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("No service"), r.body());
    }

    @Test
    void pathPrefix_matchesOnSegmentBoundaryOnly() {
        assertEquals(404, get(proxy.actualPort(), "/rrx").statusCode());
        assertEquals(200, get(proxy.actualPort(), "/rr").statusCode());
    }

    @Test
    void largeBodies_streamBothWays() throws Exception {
        clearRecords("w1");
        byte[] up = new byte[3 * 1024 * 1024];
        HttpResponse<String> r = LbTestSupport.HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.actualPort() + "/raw/upload"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(up)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().endsWith("len=" + up.length), r.body());
        HttpResponse<byte[]> down = LbTestSupport.HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.actualPort() + "/raw/download?size=25000000"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, down.statusCode());
        assertEquals(25_000_000, down.body().length);
    }

    @Test
    void webSocketUpgrade_passedThroughBothWays() throws Exception {
        clearRecords("w1");
        Vertx vertx = Vertx.vertx();
        try {
            String echoed = vertx.createHttpClient()
                    .webSocket(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.actualPort())
                            .setURI("/raw/ws"))
                    .compose(ws -> {
                        io.vertx.core.Promise<String> p = io.vertx.core.Promise.promise();
                        ws.textMessageHandler(p::tryComplete);
                        ws.exceptionHandler(p::tryFail);
                        ws.writeTextMessage("ping");
                        return p.future();
                    })
                    .toCompletionStage().toCompletableFuture().handle((v, e) -> e == null ? v
                            : "failed: " + e + " backend saw: " + records("w1")).get(10, TimeUnit.SECONDS);
            assertEquals("echo:ping", echoed);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void h2cPriorKnowledge_proxiedToHttp11Backend() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false));
            String[] result = client.request(HttpMethod.GET, proxy.actualPort(), "127.0.0.1", "/raw/h2")
                    .compose(req -> req.send())
                    .compose(resp -> resp.body().map(b -> new String[] {resp.version().name(),
                            Integer.toString(resp.statusCode()), b.toString()}))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("HTTP_2", result[0]);
            assertEquals("200", result[1]);
            assertTrue(result[2].startsWith("w1 GET /raw/h2"), result[2]);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

}
