package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.LbTestSupport.clearRecords;
import static io.optiflow.lb.server.proxy.LbTestSupport.count;
import static io.optiflow.lb.server.proxy.LbTestSupport.farm;
import static io.optiflow.lb.server.proxy.LbTestSupport.get;
import static io.optiflow.lb.server.proxy.LbTestSupport.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Backends failing, slow, refusing, going away and coming back; retries; rate limits; live switches. */
@QuarkusTest
@QuarkusTestResource(value = BackendFarm.class, restrictToAnnotatedClass = true)
@Timeout(120)
class ResilienceTest {

    @Inject
    ProxyServer proxy;

    @Inject
    ControlPlane controlPlane;

    /** Runs GETs on {@code path} from {@code threads} workers until {@code total} were sent; returns the failures. */
    private List<String> load(String path, int threads, int total, AtomicInteger sent, Runnable duringLoad)
            throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    while (!stop.get() && sent.getAndIncrement() < total) {
                        try {
                            HttpResponse<String> r = get(proxy.actualPort(), path);
                            if (r.statusCode() != 200) {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            duringLoad.run();
            for (Future<?> f : fs) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        return new ArrayList<>(failures);
    }

    private static void waitUntil(AtomicInteger sent, int atLeast) {
        for (int i = 0; i < 3000 && sent.get() < atLeast; i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void backendKilledUnderLoad_zeroFailedGets_andBackAfterRestart() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        int[] k2AfterKill = new int[1];
        List<String> failures = load("/kill/x", 8, 3000, sent, () -> {
            waitUntil(sent, 500);
            farm("POST", "/stop/k2");
            waitUntil(sent, 1500);
            k2AfterKill[0] = count("k2");
        });
        assertEquals(List.of(), failures, "no GET may fail when one backend dies");
        assertEquals(k2AfterKill[0], count("k2"), "a dead backend gets no request");
        assertTrue(controlPlane.service("kill").backends().stream()
                .anyMatch(b -> b.health() != io.optiflow.lb.core.pool.HealthStatus.UP), "k2 is marked down");

        farm("POST", "/start/k2");
        int before = count("k2");
        // Active checks (every 200 ms, rise 1) bring it back; bounded: at most 600 requests over ~30 s.
        for (int i = 0; i < 600 && count("k2") == before; i++) {
            assertEquals(200, get(proxy.actualPort(), "/kill/y").statusCode());
            Thread.sleep(50);
        }
        assertTrue(count("k2") > before, "a backend that comes back gets traffic again");
    }

    @Test
    void allBackendsDown_503WithRetryAfter_readinessStaysUpNamingTheService() throws Exception {
        HttpResponse<String> r = get(proxy.actualPort(), "/down/x");
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("retry-after").isPresent(), "503 carries Retry-After");
        HttpResponse<String> again = get(proxy.actualPort(), "/down/x");
        assertEquals(503, again.statusCode());

        // One service without backends must not take the whole LB out of its Kubernetes Service: still ready,
        // with the service named in the detail.
        HttpResponse<String> ready = null;
        for (int i = 0; i < 100; i++) {
            ready = LbTestSupport.readiness();
            if (ready.body().contains("\"no-healthy-backend\"")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().matches("(?s).*\"no-healthy-backend\"\\s*:\\s*\"[^\"]*\\bdown\\b.*"), ready.body());
        assertEquals(200, get(proxy.actualPort(), "/rr/while-down-is-down").statusCode(), "other services served");
    }

    @Test
    void noBackendForPostWithBody_503ThenNextRequestOnSameConnectionServed() {
        LbTestSupport.RawResponse r = LbTestSupport.raw(proxy.actualPort(),
                "POST /down/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /rr/after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertTrue(r.text().startsWith("HTTP/1.1 503"), r.text());
        int second = r.text().indexOf("HTTP/1.1 200");
        assertTrue(second > 0, "the unread body was drained and the next request answered: " + r.text());
        assertTrue(r.lower().indexOf("x-backend: a", second) > 0, r.text());
    }

    @Test
    void slowBackend_504AfterServiceTimeout() {
        HttpResponse<String> r = get(proxy.actualPort(), "/slow/x?delay=3000");
        assertEquals(504, r.statusCode(), r.body());
        assertEquals(200, get(proxy.actualPort(), "/slow/x?delay=10").statusCode());
    }

    @Test
    void clientGoesAway_backendRequestCancelled() throws Exception {
        int abortedBefore = Integer.parseInt(farm("GET", "/aborted/w1"));
        clearRecords("w1");
        try (Socket s = new Socket("127.0.0.1", proxy.actualPort())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /raw/wait?delay=20000 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            for (int i = 0; i < 500 && records("w1").isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertFalse(records("w1").isEmpty(), "the request reached the backend");
        }
        int aborted = abortedBefore;
        for (int i = 0; i < 500 && aborted == abortedBefore; i++) {
            Thread.sleep(10);
            aborted = Integer.parseInt(farm("GET", "/aborted/w1"));
        }
        assertEquals(abortedBefore + 1, aborted, "the backend saw its request cancelled");
    }

    @Test
    void idempotentGet_retriedAfter503_postNever() throws Exception {
        clearRecords("f1", "f2");
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = get(proxy.actualPort(), "/retry/g" + i);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("f2", r.headers().firstValue("x-backend").orElse(""));
        }
        int got503 = 0;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = LbTestSupport.HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + proxy.actualPort() + "/retry/p" + i))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("body" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 503) {
                got503++;
            } else {
                assertEquals(200, r.statusCode(), r.body());
            }
        }
        long posts = records("f1").stream().filter(j -> j.getString("method").equals("POST")).count()
                + records("f2").stream().filter(j -> j.getString("method").equals("POST")).count();
        assertEquals(10, posts, "every POST reached exactly one backend, none was sent twice");
        assertEquals(records("f1").stream().filter(j -> j.getString("method").equals("POST")).count(), got503,
                "a POST that got 503 from f1 is answered 503, not retried");
    }

    @Test
    void rateLimitedService_429WithRetryAfterBeyondBurst() {
        int ok = 0;
        HttpResponse<String> limited = null;
        for (int i = 0; i < 5 && limited == null; i++) {
            HttpResponse<String> r = get(proxy.actualPort(), "/limited/r" + i);
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                assertEquals(200, r.statusCode());
                ok++;
            }
        }
        assertTrue(limited != null, "the bucket (burst 2, 0.5/s) runs dry within 5 requests");
        assertTrue(ok <= 2, "at most the burst passes: " + ok);
        long retryAfter = Long.parseLong(limited.headers().firstValue("retry-after").orElse("0"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After in whole seconds: " + retryAfter);
    }

    @Test
    void strategySwitched100TimesUnderLoad_zeroErrors() throws Exception {
        List<String> names = new ArrayList<>();
        for (StrategyDescriptor d : controlPlane.strategies()) {
            if (d.schema().parse(Map.of()).isValid()) {
                names.add(d.name());
            }
        }
        assertTrue(names.size() >= 2, "need two strategies to switch between: " + names);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger switches = new AtomicInteger();
        List<String> failures = load("/rr/switch", 8, 1_000_000, sent, () -> {
            for (int i = 0; i < 100; i++) {
                controlPlane.switchStrategy("rr", names.get(i % names.size()), Map.of(), "test");
                switches.incrementAndGet();
                int target = sent.get() + 10;
                waitUntil(sent, target);
            }
            sent.set(Integer.MAX_VALUE / 2); // stop the load
        });
        controlPlane.resetStrategy("rr", "test");
        assertEquals(100, switches.get());
        assertEquals(List.of(), failures);
    }
}
