package io.optiflow.lb.server.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP backend on a free loopback port. Answers every request with its own id ({@code 127.0.0.1:port}) so
 * a test sees where the proxy sent it. A path containing {@code /hold} is held open until {@code /__release} is
 * called on this backend directly (at most 10 s), to keep a request in flight on purpose.
 */
public final class TestBackend implements AutoCloseable {

    private static final long MAX_HOLD_SECONDS = 10;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-backend");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(1));
    private final AtomicInteger holding = new AtomicInteger();

    public TestBackend() throws IOException {
        this(InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * On a chosen address and port: {@code 127.0.0.2}, {@code 127.0.0.3}, ... (all of 127/8 is loopback on Linux)
     * give backends at different addresses on one port, as DNS A records and Kubernetes endpoints describe them.
     */
    public TestBackend(InetAddress address, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(address, port), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code address:port} ({@code 127.0.0.1:port} by default), the backend id the load balancer gives it. */
    public String id() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests held now (waiting for {@code /__release}): a test releases only once its request is held. */
    public int holding() {
        return holding.get();
    }

    public String url() {
        return "http://" + id();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            ex.getRequestBody().readAllBytes();
            if (path.endsWith("/__release")) {
                gate.getAndSet(new CountDownLatch(1)).countDown();
            } else if (path.contains("/hold")) {
                CountDownLatch g = gate.get();
                holding.incrementAndGet();
                try {
                    g.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    holding.decrementAndGet();
                }
            }
            byte[] body = id().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        gate.get().countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
