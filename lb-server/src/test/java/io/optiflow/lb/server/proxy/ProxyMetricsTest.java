package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.RawHttp.readHead;
import static io.optiflow.lb.server.proxy.RawHttp.readResponse;
import static io.optiflow.lb.server.proxy.RawHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request counters as the event loops keep them (a part per loop, cached on the loop's backend pool), read the
 * way Micrometer reads them: every response counted once whichever loop served it, and a backend that leaves and
 * comes back counted on its new meters, not on the dropped ones a loop had cached.
 */
@Timeout(60)
class ProxyMetricsTest {

    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void responses_throughTwoEventLoops_eachCountedOnceInTheSums() throws Exception {
        try (ServerSocket backend = RawHttp.backend("metrics-backend", ProxyMetricsTest::serve);
             StandaloneDataPlane proxy = new StandaloneDataPlane(List.of(backend.getLocalPort()), 20_000, 2)) {
            String id = "127.0.0.1:" + backend.getLocalPort();
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) { // consecutive connections go to the two loops in turn
                    Socket c = new Socket("127.0.0.1", proxy.port);
                    c.setSoTimeout(5000);
                    clients.add(c);
                }
                for (int round = 0; round < 25; round++) {
                    for (Socket c : clients) {
                        send(c, "GET /r" + round + " HTTP/1.1\r\nHost: a\r\n\r\n");
                        String r = readResponse(c);
                        assertTrue(r.startsWith("HTTP/1.1 200"), r);
                    }
                }
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }

            // Counted before the response is flushed; read from another thread, so allow a moment to see it.
            waitFor(() -> requests2xx(proxy, id) >= 200);
            assertEquals(200, requests2xx(proxy, id));
            FunctionTimer durations = proxy.registry.find("lb.request.duration").tag("backend", id).functionTimer();
            assertEquals(200, (long) durations.count());
            assertTrue(durations.totalTime(TimeUnit.NANOSECONDS) > 0);
            assertEquals(2, proxy.metrics.service("svc").backend(id).loopCount(), "both event loops recorded");
        }
    }

    @Test
    void backendRemovedAndAddedAgain_whileTrafficRuns_countedOnItsNewMeters() throws Exception {
        try (ServerSocket a = RawHttp.backend("metrics-a", ProxyMetricsTest::serve);
             ServerSocket b = RawHttp.backend("metrics-b", ProxyMetricsTest::serve);
             StandaloneDataPlane proxy = new StandaloneDataPlane(List.of(a.getLocalPort(), b.getLocalPort()), 20_000,
                     2)) {
            String idA = "127.0.0.1:" + a.getLocalPort();
            String idB = "127.0.0.1:" + b.getLocalPort();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong answered = new AtomicLong();
            ExecutorService traffic = Executors.newFixedThreadPool(4);
            List<Future<String>> loads = new ArrayList<>();
            try {
                for (int t = 0; t < 4; t++) {
                    loads.add(traffic.submit(() -> load(proxy.port, stop, answered)));
                }
                waitFor(() -> requests2xx(proxy, idB) > 0);

                // The loops' pools of b stay (nothing retires them here), with b's part cached on each.
                proxy.controlPlane.removeBackend("svc", idB, "test");
                proxy.metrics.refresh(proxy.controlPlane);
                proxy.metrics.refresh(proxy.controlPlane); // gone from two views in a row: b's meters are dropped
                assertNull(proxy.registry.find("lb.requests").tag("backend", idB).functionCounter());
                long before = answered.get();
                waitFor(() -> answered.get() > before + 50); // traffic goes on, to a alone

                proxy.controlPlane.addBackend("svc", "http://" + idB, null, "test");
                proxy.metrics.refresh(proxy.controlPlane); // b's new meters, registered at 0
                waitFor(() -> requests2xx(proxy, idB) > 0);
                assertTrue(requests2xx(proxy, idB) > 0, "b's responses after it came back are counted on its new "
                        + "meters (a loop kept recording into the dropped ones)");
                assertTrue(requests2xx(proxy, idA) > 0);
            } finally {
                stop.set(true);
                traffic.shutdown();
            }
            assertTrue(traffic.awaitTermination(10, TimeUnit.SECONDS));
            for (Future<String> f : loads) {
                assertNull(f.get(), "every request answered 200");
            }
        }
    }

    /** Requests on one keep-alive connection until {@code stop}; returns the first failure, or null. */
    private static String load(int port, AtomicBoolean stop, AtomicLong answered) throws IOException {
        try (Socket c = new Socket("127.0.0.1", port)) {
            c.setSoTimeout(5000);
            for (int i = 0; i < 100_000 && !stop.get(); i++) {
                send(c, "GET /load HTTP/1.1\r\nHost: a\r\n\r\n");
                String r = readResponse(c);
                if (!r.startsWith("HTTP/1.1 200")) {
                    return r;
                }
                answered.incrementAndGet();
            }
        }
        return null;
    }

    private static long requests2xx(StandaloneDataPlane proxy, String backend) {
        FunctionCounter c = proxy.registry.find("lb.requests").tag("backend", backend).tag("code_class", "2xx")
                .functionCounter();
        return c == null ? 0 : (long) c.count();
    }

    /** Waits up to 10 s for {@code condition}; the assertion after it says what was expected. */
    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(10);
        }
    }

    /** A keep-alive backend: {@code 200 ok} to every request until the connection closes. */
    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (!readHead(in).isEmpty()) {
                out.write(OK);
                out.flush();
            }
        } catch (IOException e) {
            // the proxy closed the connection, or the test is over
        }
    }
}
