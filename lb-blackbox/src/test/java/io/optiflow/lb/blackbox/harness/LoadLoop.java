package io.optiflow.lb.blackbox.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady traffic through the proxy from a few threads (HTTP/1.1, keep-alive), counting answers by status and every
 * failure, until {@link #close}: the load under which faults and live changes must lose nothing.
 */
public final class LoadLoop implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    /** Starts {@code threads} threads sending {@code GET <path><n>} to the proxy on {@code port}. */
    public LoadLoop(int port, String path, int threadCount) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (int t = 0; t < threadCount; t++) {
            Thread th = new Thread(() -> {
                while (running.get()) {
                    long n = sent.incrementAndGet();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + port + path + n)).timeout(Duration.ofSeconds(20)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        byStatus.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                        if (r.statusCode() != 200 && failures.size() < 20) {
                            failures.add(path + n + ": " + r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        byStatus.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet();
                        if (failures.size() < 20) {
                            failures.add(path + n + ": " + e);
                        }
                    }
                }
            }, "load-" + t);
            th.setDaemon(true);
            th.start();
            threads.add(th);
        }
    }

    /** Answers so far with {@code status} (-1: no answer, an I/O error). */
    public long count(int status) {
        AtomicLong c = byStatus.get(status);
        return c == null ? 0 : c.get();
    }

    /** Requests that did not get a 200. */
    public long failed() {
        long n = 0;
        for (Map.Entry<Integer, AtomicLong> e : byStatus.entrySet()) {
            if (e.getKey() != 200) {
                n += e.getValue().get();
            }
        }
        return n;
    }

    /** Answered with 200 so far. */
    public long succeeded() {
        return count(200);
    }

    /** The first few failures, for messages. */
    public String failures() {
        return byStatus + " " + failures;
    }

    /** Stops sending and waits for the requests under way (at most 30 s). */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
