package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.blackbox.harness.Fixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Health checks leave nothing open. A backend slow to accept (its accept queue full, as a busy server's is) makes
 * checks give up before their connection is made; once it accepts again, connections the load balancer had already
 * given up on may still arrive, carrying no request. They must be closed within about the check timeout, not kept:
 * kept, they pile up by the hundred when thousands of backends come and go on a busy machine (ChurnIT found this).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthCheckConnectionsIT {

    /** The health check timeout, and how long a connection with no request may stay open beyond it. */
    private static final int CHECK_TIMEOUT_MILLIS = 300;
    private static final int ALLOWED_SILENCE_MILLIS = 4_000;

    @Test
    void healthCheckConnections_thatArriveAfterTheCheckGaveUp_areClosedNotKept() throws Exception {
        try (Fixture fixture = Fixture.create("health-conns-it");
             ServerSocket backend = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = backend.getLocalPort();
            // The accept queue full: the load balancer's connects go unanswered (their SYNs dropped) for now.
            List<Socket> fillers = new ArrayList<>();
            Set<Integer> fillerPorts = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                    fillers.add(s);
                    fillerPorts.add(s.getLocalPort());
                } catch (IOException queueFull) {
                    s.close();
                }
            }
            fixture.add(fixture.server().property("lb.services.slow.backends", "http://127.0.0.1:" + port)
                    .property("lb.services.slow.health.interval", CHECK_TIMEOUT_MILLIS + "ms")
                    .property("lb.services.slow.health.timeout", CHECK_TIMEOUT_MILLIS + "ms").start());
            Thread.sleep(4_000); // checks time out with their connects pending

            for (Socket s : fillers) {
                s.close();
            }
            // The backend accepts again for a while: a request gets 200 and the connection is closed; a connection
            // with no request is watched until the load balancer closes it.
            ConcurrentLinkedQueue<String> kept = new ConcurrentLinkedQueue<>();
            AtomicInteger served = new AtomicInteger();
            AtomicInteger silentClosed = new AtomicInteger();
            List<Thread> watchers = new ArrayList<>();
            backend.setSoTimeout(200);
            long acceptUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (System.nanoTime() < acceptUntil) {
                Socket c;
                try {
                    c = backend.accept();
                } catch (SocketTimeoutException nothingYet) {
                    continue;
                }
                if (fillerPorts.contains(c.getPort())) {
                    c.close();
                    continue;
                }
                Thread t = new Thread(() -> watch(c, served, silentClosed, kept), "health-conn-watcher");
                t.setDaemon(true);
                t.start();
                watchers.add(t);
            }
            for (Thread t : watchers) {
                t.join(ALLOWED_SILENCE_MILLIS + 2_000);
            }
            System.out.printf("HealthCheckConnectionsIT: %d connections: %d checks served, %d silent ones closed by"
                    + " the load balancer, %d kept%n", watchers.size(), served.get(), silentClosed.get(), kept.size());
            assertTrue(served.get() > 0, "no health check reached the backend once it accepted again");
            assertTrue(kept.isEmpty(), "connections with no request kept open by the load balancer: " + kept);
        }
    }

    /** Serves one request and closes; or waits for the peer to close a connection that brings none. */
    private static void watch(Socket c, AtomicInteger served, AtomicInteger silentClosed,
                              ConcurrentLinkedQueue<String> kept) {
        try (c) {
            c.setSoTimeout(ALLOWED_SILENCE_MILLIS);
            InputStream in = c.getInputStream();
            int first;
            try {
                first = in.read();
            } catch (SocketTimeoutException silent) {
                kept.add("port " + c.getPort() + " silent for " + ALLOWED_SILENCE_MILLIS + " ms");
                return;
            }
            if (first < 0) {
                silentClosed.incrementAndGet();
                return;
            }
            // the rest of the request head, then an answer that ends the connection
            int state = 0;
            for (int b = first; b >= 0 && state < 4; b = in.read()) {
                state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
            }
            c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            served.incrementAndGet();
        } catch (IOException e) {
            silentClosed.incrementAndGet(); // reset by the peer: closed as well
        }
    }
}
