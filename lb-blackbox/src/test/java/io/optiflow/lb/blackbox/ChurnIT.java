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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Backend churn leaks nothing: 10,000 backends are added through the admin API and removed again, 1,000 at a time,
 * each one health-checked, metered, given strategy state (latency-weighted with a per-backend rate limit) and sent
 * traffic while it is there (every id is new, as with discovery in a cluster that keeps rescheduling). Afterwards the load balancer exports as many series as before and holds no more
 * live heap than before, beyond its bounded audit memory.
 */
class ChurnIT {

    private static final int ROUNDS = 10;
    private static final int PER_ROUND = 1_000;
    private static final int WRITERS = 4;
    /**
     * Live heap allowed to grow over the measured rounds: the audit trail keeps its newest 10,000 entries in memory
     * (a few hundred bytes each; it holds 2,000 at the baseline and 10,000 at the end). Anything kept per churned
     * backend (meters alone are several kB each) would exceed this many times over.
     */
    private static final long HEAP_ALLOWANCE = 8L << 20;

    private Path root;
    private IdBackend backend;

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
        // A data folder in memory where there is one: 20,000 fsyncs are not what this test is about.
        Path shm = Path.of("/dev/shm");
        Path data = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "optiflow-churn") : root.resolve("data");
        String service = "churn";
        try (LbProcess lb = LbProcess.builder(root).dataDir(data).jvmArg("-Xmx512m")
                .property("lb.services." + service + ".backends", "http://127.0.0.1:" + backend.port())
                // per-backend strategy state too: EWMA and a token bucket per backend
                .property("lb.services." + service + ".strategy", "latency-weighted")
                .property("lb.services." + service + ".strategy-config.rate-limit", "1000")
                .property("lb.services." + service + ".health.interval", "250ms")
                .property("lb.services." + service + ".health.timeout", "2s")
                .property("lb.services." + service + ".retry.attempts", "0").start();
             AutoCloseable cleanData = () -> TempDirs.delete(data)) {
            AdminApi admin = lb.admin();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                churn(lb, admin, pool, service, 0); // warm-up: classes loaded, code compiled, caches filled
                HeapHistogram before = HeapHistogram.of(lb.pid());
                int seriesBefore = PrometheusText.scrape(admin).size();
                for (int round = 1; round <= ROUNDS; round++) {
                    churn(lb, admin, pool, service, round);
                }
                HeapHistogram after = HeapHistogram.of(lb.pid());
                int seriesAfter = PrometheusText.scrape(admin).size();

                long growth = after.totalBytes() - before.totalBytes();
                System.out.printf("ChurnIT: %,d backends added and removed; series %d -> %d; live heap %,d -> %,d"
                        + " bytes (%+,d)%n", ROUNDS * PER_ROUND, seriesBefore, seriesAfter, before.totalBytes(),
                        after.totalBytes(), growth);
                assertEquals(seriesBefore, seriesAfter, "exported series after churn");
                assertTrue(growth < HEAP_ALLOWANCE, "live heap grew by " + growth + " bytes over " + ROUNDS * PER_ROUND
                        + " backends added and removed; most grown:\n" + after.growthSince(before, 15));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Adds {@link #PER_ROUND} new backends, waits until each is metered and checked, sends traffic, removes all. */
    private void churn(LbProcess lb, AdminApi admin, ExecutorService pool, String service, int round)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PER_ROUND; i++) {
            int n = round * PER_ROUND + i; // 127.1.0.1 ... : never an id seen before
            ids.add("127." + (1 + n / 62_500) + "." + (n / 250 % 250) + "." + (1 + n % 250) + ":" + backend.port());
        }
        String base = "/api/v1/services/" + service + "/backends";
        inParallel(pool, ids, id -> admin.ok("POST", base, "{\"url\": \"http://" + id + "\"}", 201));
        long checksBefore = backend.requests();
        Await.until("round " + round + ": every added backend metered", 30, () ->
                PrometheusText.scrape(admin).count("lb_backend_up", "service=\"" + service + "\"") == PER_ROUND + 1);
        Await.until("round " + round + ": every added backend health-checked", 30,
                () -> backend.requests() - checksBefore >= PER_ROUND);
        traffic(lb, 200);
        inParallel(pool, ids, id -> admin.ok("DELETE", base + "/" + id, null, 204));
        Await.until("round " + round + ": meters of removed backends released", 30, () ->
                PrometheusText.scrape(admin).count("lb_backend_up", "service=\"" + service + "\"") == 1);
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
