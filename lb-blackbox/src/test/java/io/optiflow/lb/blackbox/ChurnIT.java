package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.blackbox.harness.AdminApi;
import io.optiflow.lb.blackbox.harness.Await;
import io.optiflow.lb.blackbox.harness.HeapHistogram;
import io.optiflow.lb.blackbox.harness.IdBackend;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.PrometheusText;
import io.optiflow.lb.blackbox.harness.TempDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Backend churn leaks nothing: 10,000 backends join a service and leave it again, each one health-checked, metered,
 * given strategy state (latency-weighted with a per-backend rate limit) and sent traffic while it is there; every id
 * is new, as with discovery in a cluster that keeps rescheduling. Three rounds of 3,000 come and go through file
 * discovery (the pool-update path every discovery source uses), one of 1,000 through the admin API (the control
 * plane's persisted path). Afterwards the load balancer exports as many series as before and holds no more live heap
 * than before, beyond its bounded audit memory. The dashboard's history is set to its minimum, 2 s, and let run out
 * before each measurement: it keeps what it sampled (also of backends since gone) for that long, by design.
 */
class ChurnIT {

    /** Rounds through discovery, and backends in each; one more round of {@link #ADMIN_ROUND} goes through the API. */
    private static final int DISCOVERY_ROUNDS = 3;
    private static final int PER_ROUND = 3_000;
    private static final int ADMIN_ROUND = 1_000;
    private static final int CHURNED = DISCOVERY_ROUNDS * PER_ROUND + ADMIN_ROUND;
    /** A scrape with thousands of backends costs both sides: conditions on it are polled this often. */
    private static final long SCRAPE_POLL_MILLIS = 250;
    private static final int WRITERS = 4;
    private static final String SERVICE = "churn";
    /**
     * Live heap allowed to grow over the measured rounds: the audit trail keeps its newest 10,000 entries in memory
     * (a few hundred bytes each; the admin round adds 2,000). Anything kept per churned backend (meters alone are
     * several kB each) would exceed this many times over.
     */
    private static final long HEAP_ALLOWANCE = 4L << 20;
    /** Measurements of the live heap after the churn, 3 s apart, before growth above the allowance is judged kept. */
    private static final int SETTLE_ATTEMPTS = 6;

    private Path root;
    private IdBackend backend;
    /** Backends handed out so far: every round gets ids never seen before. */
    private int issued;

    @BeforeEach
    void setUp() {
        root = TempDirs.create("churn-it");
        backend = IdBackend.startOnAllAddresses();
    }

    @AfterEach
    void tearDown() {
        backend.close();
        TempDirs.delete(root);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void tenThousandBackendsAddedAndRemoved_seriesAndLiveHeapBackWhereTheyStarted() throws Exception {
        // A data folder in memory where there is one: the admin round's 2,000 fsyncs are not what this is about.
        Path shm = Path.of("/dev/shm");
        Path data = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "optiflow-churn") : root.resolve("data");
        Path discovered = root.resolve("discovered.json");
        Files.writeString(discovered, "[]");
        String key = "lb.services." + SERVICE;
        try (LbProcess lb = LbProcess.builder(root).dataDir(data).jvmArg("-Xmx512m")
                .property(key + ".backends", "http://127.0.0.1:" + backend.port())
                .property(key + ".discovery.type", "file")
                .property(key + ".discovery.path", discovered.toString())
                .property(key + ".discovery.poll", "100ms")
                .property(key + ".discovery.allow-empty", "true")
                // per-backend strategy state too: EWMA and a token bucket per backend
                .property(key + ".strategy", "latency-weighted")
                .property(key + ".strategy-config.rate-limit", "1000")
                // every backend checked once or twice while it is there, not a check storm
                .property(key + ".health.interval", "1s")
                .property(key + ".health.timeout", "2s")
                .property(key + ".retry.attempts", "0")
                // the test's clients' kept-alive connections go soon after their round, not after the default 60 s
                .property("lb.proxy.idle-timeout", "2s")
                .property("lb.dashboard.history", "2s").start();
             AutoCloseable cleanData = () -> TempDirs.delete(data)) {
            AdminApi admin = lb.admin();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                // warm-up, both ways: classes loaded, code compiled, caches filled
                churnThroughAdminApi(lb, admin, pool, 0, 200);
                churnThroughDiscovery(lb, admin, discovered, 1);
                HeapHistogram before = settledHeap(lb, admin, null);
                PrometheusText scrapeBefore = PrometheusText.scrape(admin);
                long start = System.nanoTime();
                churnThroughAdminApi(lb, admin, pool, 2, ADMIN_ROUND);
                for (int round = 3; round < DISCOVERY_ROUNDS + 3; round++) {
                    churnThroughDiscovery(lb, admin, discovered, round);
                }
                long churnMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                HeapHistogram after = settledHeap(lb, admin, before);
                PrometheusText scrapeAfter = PrometheusText.scrape(admin);
                // The load balancer's own series; the JVM's may grow by themselves (a GC cause seen first, ...).
                int seriesBefore = scrapeBefore.count("lb_");
                int seriesAfter = scrapeAfter.count("lb_");

                long growth = after.totalBytes() - before.totalBytes();
                System.out.printf("ChurnIT: %,d backends added and removed in %,d ms; lb_* series %d -> %d (all: %d ->"
                        + " %d, new: %s); live heap %,d -> %,d bytes (%+,d); most grown:%n%s%n", CHURNED, churnMillis,
                        seriesBefore, seriesAfter, scrapeBefore.size(), scrapeAfter.size(),
                        scrapeBefore.missingFrom(scrapeAfter), before.totalBytes(), after.totalBytes(), growth,
                        after.growthSince(before, 10));
                assertEquals(seriesBefore, seriesAfter, "lb_* series after churn; new ones: "
                        + scrapeBefore.missingFrom(scrapeAfter));
                assertTrue(growth < HEAP_ALLOWANCE, "live heap grew by " + growth + " bytes over " + CHURNED
                        + " backends added and removed; most grown:\n" + after.growthSince(before, 15));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * The live heap once the dashboard's 2 s of history have run out and the traffic's client connections are closed.
     * Given {@code before}, it is measured again, a few seconds apart, while it is still more than the allowance above
     * that: what is still on its way out when the churn ends (health checks of removed backends waiting on the busy
     * test backend, connections being closed) is not kept. What is kept per backend stays, however long one waits.
     */
    private static HeapHistogram settledHeap(LbProcess lb, AdminApi admin, HeapHistogram before)
            throws InterruptedException {
        Thread.sleep(3_000);
        Await.until("the traffic's client connections closed (idle timeout)", 30, SCRAPE_POLL_MILLIS,
                () -> PrometheusText.scrape(admin).sum("lb_connections_open") == 0);
        HeapHistogram heap = HeapHistogram.of(lb.pid());
        for (int attempt = 1; before != null && attempt < SETTLE_ATTEMPTS
                && heap.totalBytes() - before.totalBytes() >= HEAP_ALLOWANCE; attempt++) {
            System.out.printf("ChurnIT: live heap %+,d bytes at measurement %d, measured again in 3 s; most grown:%n%s%n",
                    heap.totalBytes() - before.totalBytes(), attempt, heap.growthSince(before, 8));
            Thread.sleep(3_000);
            heap = HeapHistogram.of(lb.pid());
        }
        return heap;
    }

    /** {@code count} backends never seen before: 127.a.b.c with the backend's port. */
    private List<String> ids(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = issued++; // 127.1.0.1 ...
            ids.add("127." + (1 + n / 62_500) + "." + (n / 250 % 250) + "." + (1 + n % 250) + ":" + backend.port());
        }
        return ids;
    }

    private void churnThroughAdminApi(LbProcess lb, AdminApi admin, ExecutorService pool, int round, int count)
            throws Exception {
        List<String> ids = ids(count);
        String base = "/api/v1/services/" + SERVICE + "/backends";
        inParallel(pool, ids, id -> admin.ok("POST", base, "{\"url\": \"http://" + id + "\"}", 201));
        whileThere(lb, admin, round, count);
        inParallel(pool, ids, id -> admin.ok("DELETE", base + "/" + id, null, 204));
        awaitGone(admin, round);
    }

    private void churnThroughDiscovery(LbProcess lb, AdminApi admin, Path file, int round) throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (String id : ids(PER_ROUND)) {
            json.append(json.length() == 1 ? "" : ",").append("{\"url\": \"http://").append(id).append("\"}");
        }
        write(file, json.append(']').toString());
        whileThere(lb, admin, round, PER_ROUND);
        write(file, "[]");
        awaitGone(admin, round);
    }

    /** Waits until every added backend is metered and health-checked, then sends traffic through them. */
    private void whileThere(LbProcess lb, AdminApi admin, int round, int count) throws Exception {
        long checksBefore = backend.requests();
        Await.until("round " + round + ": every added backend metered", 30, SCRAPE_POLL_MILLIS, () ->
                PrometheusText.scrape(admin).count("lb_backend_up", "service=\"" + SERVICE + "\"") == count + 1);
        Await.until("round " + round + ": every added backend health-checked", 30,
                () -> backend.requests() - checksBefore >= count);
        traffic(lb, 200);
    }

    private static void awaitGone(AdminApi admin, int round) {
        Await.until("round " + round + ": meters of removed backends released", 30, SCRAPE_POLL_MILLIS, () ->
                PrometheusText.scrape(admin).count("lb_backend_up", "service=\"" + SERVICE + "\"") == 1);
    }

    /** Replaces the discovery file whole (temp file, rename), as its docs ask. */
    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void traffic(LbProcess lb, int requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.proxyPort() + "/c/" + i))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (var f : sent) {
            HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
        }
    }

    private interface Call {
        void run(String id) throws Exception;
    }

    private static void inParallel(ExecutorService pool, List<String> ids, Call call) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int first = w;
            done.add(pool.submit(() -> {
                for (int i = first; i < ids.size(); i += WRITERS) {
                    call.run(ids.get(i));
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
    }
}
