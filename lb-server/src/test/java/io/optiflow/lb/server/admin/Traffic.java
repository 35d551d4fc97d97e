package io.optiflow.lb.server.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Load through the real proxy while a test changes membership: a few threads send requests back to back (each
 * bounded by a timeout; the whole run by {@link #MAX_RUN_NANOS}) and record which backend answered when, and every
 * failure.
 */
final class Traffic implements AutoCloseable {

    static final long MAX_RUN_NANOS = 60_000_000_000L;

    /** One answered request: when it was sent (nanoTime) and the backend id that answered. */
    record Hit(long sentNanos, String backend) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    Traffic(int proxyPort, String path, int threadCount) {
        long end = System.nanoTime() + MAX_RUN_NANOS;
        URI uri = URI.create("http://127.0.0.1:" + proxyPort + path);
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get() && System.nanoTime() < end) {
                    long sentAt = System.nanoTime();
                    sent.incrementAndGet();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            hits.add(new Hit(sentAt, r.body()));
                        } else {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "traffic-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** Answers so far from backend {@code id} to requests sent after {@code sinceNanos}. */
    long hitsOf(String id, long sinceNanos) {
        return hits.stream().filter(h -> h.sentNanos() >= sinceNanos && h.backend().equals(id)).count();
    }

    /** When the first request {@code id} answered among those sent after {@code sinceNanos} was sent; MAX if none. */
    long firstHit(String id, long sinceNanos) {
        return hits.stream().filter(h -> h.sentNanos() >= sinceNanos && h.backend().equals(id))
                .mapToLong(Hit::sentNanos).min().orElse(Long.MAX_VALUE);
    }

    /** Answers so far to requests sent in [from, to). */
    List<Hit> between(long fromNanos, long toNanos) {
        return hits.stream().filter(h -> h.sentNanos() >= fromNanos && h.sentNanos() < toNanos).toList();
    }

    /** Share of the answers to requests sent in [from, to) that came from {@code id}. */
    double share(String id, long fromNanos, long toNanos) {
        List<Hit> window = between(fromNanos, toNanos);
        return window.isEmpty() ? 0 : window.stream().filter(h -> h.backend().equals(id)).count()
                / (double) window.size();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    int answered() {
        return hits.size();
    }

    boolean any(Predicate<Hit> p) {
        return hits.stream().anyMatch(p);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(15_000);
        }
    }
}
