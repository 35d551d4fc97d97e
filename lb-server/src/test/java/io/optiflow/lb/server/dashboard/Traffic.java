package io.optiflow.lb.server.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A steady trickle of requests through the proxy (about 100/s), on one thread, until closed (at most 5 min). */
final class Traffic implements AutoCloseable {

    private static final long MAX_NANOS = Duration.ofMinutes(5).toNanos();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;

    Traffic(int proxyPort, String path) {
        // HTTP/1.1: the JDK client would otherwise ask to upgrade to h2c, which the proxy passes on as a tunnel
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + path))
                .timeout(Duration.ofSeconds(5)).build();
        thread = new Thread(() -> {
            long end = System.nanoTime() + MAX_NANOS;
            while (running.get() && System.nanoTime() < end) {
                try {
                    http.send(request, HttpResponse.BodyHandlers.discarding());
                    sent.incrementAndGet();
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a refused request (a drained pool) is part of what the tests look at
                }
            }
        }, "dashboard-test-traffic");
        thread.setDaemon(true);
        thread.start();
    }

    long sent() {
        return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        thread.join(5_000);
    }
}
