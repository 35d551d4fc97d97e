package io.optiflow.lb.blackbox.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP backend on a free port that answers every request {@code 200} with its own id
 * ({@code 127.0.0.1:port}), so a test sees where the proxy sent a request. Bound to the wildcard address when asked,
 * so the same server also answers as {@code 127.a.b.c:port} for any loopback address (many backend ids, one server).
 */
public final class IdBackend implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "id-backend");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong requests = new AtomicLong();

    private IdBackend(boolean allLoopbackAddresses) {
        try {
            InetSocketAddress bind = allLoopbackAddresses ? new InetSocketAddress(0)
                    : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            server = HttpServer.create(bind, 256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A backend on 127.0.0.1. */
    public static IdBackend start() {
        return new IdBackend(false);
    }

    /** A backend on every address of this host (so on all of 127.0.0.0/8). */
    public static IdBackend startOnAllAddresses() {
        return new IdBackend(true);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code 127.0.0.1:port}, the id the load balancer gives it. */
    public String id() {
        return "127.0.0.1:" + port();
    }

    public String url() {
        return "http://" + id();
    }

    /** Requests answered so far. */
    public long requests() {
        return requests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            byte[] body = (ex.getLocalAddress().getAddress().getHostAddress() + ":" + port())
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
