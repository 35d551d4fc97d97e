package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.blackbox.harness.Await;
import io.optiflow.lb.blackbox.harness.Fixture;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.PrometheusText;
import io.optiflow.lb.blackbox.harness.RawHttp;
import io.optiflow.lb.blackbox.harness.ScriptedBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The caps hold with the stated answers: beyond {@code lb.proxy.max-connections} a new connection gets 503 and is
 * closed (and counted); a service at {@code max-in-flight-per-service} queues up to {@code queue-per-service}
 * requests for at most {@code queue-timeout}, first come first served, and answers the rest 503 with Retry-After
 * at once. Small caps here so the suite stays quick.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OverloadIT {

    private static Fixture fixture;
    private static ScriptedBackend backend;
    private static LbProcess lb;

    @BeforeAll
    static void start() {
        fixture = Fixture.create("overload-it");
        backend = fixture.backend();
        lb = fixture.add(fixture.server().property("lb.services.web.backends", backend.url())
                .property("lb.services.web.health.enabled", "false")
                .property("lb.services.web.timeout", "20s")
                .property("lb.proxy.max-connections", "40")
                .property("lb.proxy.max-in-flight-per-service", "2")
                .property("lb.proxy.queue-per-service", "2")
                // long enough that the queued requests are still queued when the test looks at them on a busy machine
                .property("lb.proxy.queue-timeout", "4s").start());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void connectionsBeyondMaxConnections_get503AndAreClosed_andAreCounted() throws Exception {
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                RawHttp c = RawHttp.connect(lb.proxyPort());
                open.add(c);
                // each proves it is accepted and served (and stays open: keep-alive)
                c.send("GET /c/" + i + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, c.read("GET").status(), "connection " + i);
            }
            try (RawHttp extra = RawHttp.connect(lb.proxyPort())) {
                RawHttp.Response r = extra.read("GET");
                assertEquals(503, r.status(), r.toString());
                assertEquals("1", r.header("Retry-After"));
                assertTrue(extra.closedByPeer(2_000));
            }
            assertTrue(PrometheusText.scrape(lb.admin()).sum("lb_connections_refused_total") >= 1);
            open.remove(0).close();
            awaitAccepted();
        } finally {
            for (RawHttp c : open) {
                c.close();
            }
        }
        // the next case's connections must not meet the cap of this one's, still being closed on the server's side
        Await.until("the data plane's client connections closed", 10,
                () -> PrometheusText.scrape(lb.admin()).sum("lb_connections_open") == 0);
    }

    @Test
    void serviceAtItsInFlightCap_queuesTwoAndRefusesTheRest503_queuedOnesServedWhenSlotsFree() throws Exception {
        List<RawHttp> conns = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                RawHttp c = RawHttp.connect(lb.proxyPort());
                conns.add(c);
                c.send("GET /hold/" + i + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                if (i < 2) {
                    awaitHeld(i + 1); // the first two run (and are held by the backend)
                } else if (i == 3) {
                    // the third and fourth wait in the queue (each connection may be read by another event loop:
                    // sent at once, the fifth could be queued before one of them)
                    Await.until("two requests queued", 10, () ->
                            PrometheusText.scrape(lb.admin()).sum("lb_service_queued", "service=\"web\"") == 2);
                }
            }
            // the fifth: queue full: 503 at once
            RawHttp.Response fifth = conns.get(4).read("GET");
            assertEquals(503, fifth.status(), fifth.toString());
            assertEquals("1", fifth.header("Retry-After"));
            PrometheusText m = PrometheusText.scrape(lb.admin());
            assertEquals(2, m.sum("lb_service_in_flight", "service=\"web\""));
            assertEquals(2, m.sum("lb_service_queued", "service=\"web\""));

            backend.releaseHeld(); // the two running end; the two queued get their slots and are held in turn
            assertEquals(200, conns.get(0).read("GET").status());
            assertEquals(200, conns.get(1).read("GET").status());
            awaitHeld(2);
            backend.releaseHeld();
            assertEquals(200, conns.get(2).read("GET").status());
            assertEquals(200, conns.get(3).read("GET").status());
            assertTrue(PrometheusText.scrape(lb.admin()).sum("lb_service_overloaded_total", "service=\"web\"") >= 1);
        } finally {
            backend.releaseHeld();
            for (RawHttp c : conns) {
                c.close();
            }
        }
    }

    @Test
    void queuedRequest_waitingLongerThanTheQueueTimeout_gets503WithRetryAfter() throws Exception {
        List<RawHttp> conns = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawHttp c = RawHttp.connect(lb.proxyPort());
                conns.add(c);
                c.send("GET /hold/q" + i + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                if (i < 2) {
                    awaitHeld(i + 1);
                }
            }
            long start = System.nanoTime();
            RawHttp.Response r = conns.get(2).timeout(10_000).read("GET");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(503, r.status(), r.toString());
            assertEquals("1", r.header("Retry-After"));
            assertTrue(millis >= 3_900, "refused after " + millis + " ms, before the queue timeout");
        } finally {
            backend.releaseHeld();
            for (RawHttp c : conns) {
                c.close();
            }
        }
        Await.until("no request of web in flight", 10,
                () -> PrometheusText.scrape(lb.admin()).sum("lb_service_in_flight", "service=\"web\"") == 0);
    }

    private static void awaitHeld(int n) {
        Await.until(n + " requests held by the backend", 10, () -> backend.heldCount() >= n);
    }

    private static void awaitAccepted() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (;;) {
            try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
                c.send("GET /again HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                if (c.read("GET").status() == 200) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no connection accepted again after one closed");
            Thread.sleep(50);
        }
    }

}
