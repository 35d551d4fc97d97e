package io.optiflow.lb.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster-wide limit of 300 req/s on three packaged replicas sharing a real Redis (Debian's redis-server on a free
 * port), with load on all three: the total admitted stays within 5 % of the limit. Redis stopped: a service with
 * {@code cluster-fallback=local} holds about the limit (each replica a third), one with {@code open} admits all.
 * The run lasts {@code -Dcluster.limit.seconds} (12 in CI; docs/cluster.md has the 30 s benchmark run).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class ClusterRateLimitIT {

    private static final int LIMIT = 300;
    private static final int BURST = 30;
    private static final int SECONDS = Integer.getInteger("cluster.limit.seconds", 12);
    /** Offered load per replica: twice its share of the limit. */
    private static final int OFFERED_PER_REPLICA = 200;

    private static Path root;
    private static RedisProcess redis;
    private static TestBackend backend;
    private static final List<PackagedReplica> replicas = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        root = Files.createTempDirectory("optiflow-ratelimit-it");
        redis = new RedisProcess(root);
        backend = new TestBackend();
        for (String id : List.of("l1", "l2", "l3")) {
            replicas.add(new PackagedReplica(id, root, List.of("-Dquarkus.redis.hosts=" + redis.url(),
                    "-Dlb.services.api.backends=" + backend.url(), "-Dlb.services.api.match.path-prefix=/api",
                    "-Dlb.services.api.health.enabled=false", "-Dlb.services.api.rate-limit.rps=" + LIMIT,
                    "-Dlb.services.api.rate-limit.burst=" + BURST, "-Dlb.services.api.rate-limit.scope=cluster",
                    "-Dlb.services.api.rate-limit.cluster-fallback=local",
                    "-Dlb.services.open.backends=" + backend.url(), "-Dlb.services.open.match.path-prefix=/open",
                    "-Dlb.services.open.health.enabled=false", "-Dlb.services.open.rate-limit.rps=" + LIMIT,
                    "-Dlb.services.open.rate-limit.burst=" + BURST, "-Dlb.services.open.rate-limit.scope=cluster",
                    "-Dlb.services.open.rate-limit.cluster-fallback=open")));
        }
        PackagedReplica.awaitAllReady(replicas);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        PackagedReplica.stopAll(root, replicas, redis, backend);
    }

    /**
     * Sends {@code perReplica} req/s to {@code path} on every replica for {@code seconds}, open loop (requests go out
     * on schedule whatever the answers take, so the offered rate is the rate asked for); {admitted, limited}.
     */
    private static int[] load(String path, int perReplica, int seconds) throws Exception {
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        List<String> other = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / perReplica;
        long start = System.nanoTime();
        long total = (long) perReplica * seconds;
        for (long i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long sleep = due - System.nanoTime();
            if (sleep > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(sleep);
            }
            for (PackagedReplica r : replicas) {
                sent.add(r.proxyAsync(path).whenComplete((res, e) -> {
                    if (e != null) {
                        other.add(r.id + ": " + e);
                    } else if (res.statusCode() == 200) {
                        admitted.incrementAndGet();
                    } else if (res.statusCode() == 429) {
                        limited.incrementAndGet();
                    } else {
                        other.add(r.id + ": " + res.statusCode());
                    }
                }));
            }
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        java.util.concurrent.CompletableFuture.allOf(sent.toArray(new java.util.concurrent.CompletableFuture[0]))
                .exceptionally(e -> null).get(60, TimeUnit.SECONDS);
        assertTrue(tookMs < seconds * 1000L + 2000, "the load generator fell behind: " + tookMs + " ms for "
                + seconds + " s of requests");
        assertTrue(other.isEmpty(), "requests neither admitted nor limited: " + other.subList(0,
                Math.min(10, other.size())));
        return new int[] {admitted.get(), limited.get()};
    }

    @Test
    @Order(1)
    void clusterLimit300_loadOnAllThreeReplicas_totalAdmittedWithinFivePercent() throws Exception {
        int[] r = load("/api/x", OFFERED_PER_REPLICA, SECONDS);
        double expected = LIMIT * SECONDS + BURST;
        double off = (r[0] - expected) / (LIMIT * SECONDS);
        System.out.printf("cluster limit %d req/s, %d s, offered %d req/s: admitted %d (%.1f req/s), limited %d,"
                + " %+.2f %% off the limit (burst counted)%n", LIMIT, SECONDS, 3 * OFFERED_PER_REPLICA, r[0],
                r[0] / (double) SECONDS, r[1], off * 100);
        assertTrue(r[1] > 0, "nothing was limited: the offered load did not reach the limit\n"
                + replicas.get(0).admin("GET", "/q/health/ready", null).body() + "\n" + replicas.get(0).log());
        assertTrue(Math.abs(off) <= 0.05, "admitted " + r[0] + " in " + SECONDS + " s, expected " + expected
                + " +- 5 % of " + LIMIT * SECONDS);
    }

    @Test
    @Order(2)
    void redisStopped_localFallbackHoldsAboutTheLimit_openFallbackAdmitsAll() throws Exception {
        redis.stop();
        try {
            for (PackagedReplica r : replicas) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (true) {
                    JsonPath ready = JsonPath.from(r.admin("GET", "/q/health/ready", null).body());
                    if ("false".equals(ready.getString(
                            "checks.find { it.name == 'rate-limit-redis' }.data.available"))) {
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, r.id + " did not notice Redis was gone: "
                            + ready.prettify());
                    Thread.sleep(100);
                }
            }
            String metrics = replicas.get(0).admin("GET", "/q/metrics", null).body();
            assertTrue(java.util.regex.Pattern.compile("(?m)^lb_rate_limit_redis_up(\\{[^}]*})? 0\\.0")
                    .matcher(metrics).find(), "lb_rate_limit_redis_up is not 0:\n" + metrics);
            int seconds = 5;
            int[] local = load("/api/y", OFFERED_PER_REPLICA, seconds);
            double expected = LIMIT * seconds + BURST;
            System.out.printf("Redis down, fallback local: admitted %d in %d s (expected about %.0f)%n", local[0],
                    seconds, expected);
            assertTrue(Math.abs(local[0] - expected) <= 0.1 * LIMIT * seconds, "fallback local admitted " + local[0]
                    + ", expected about " + expected + "\n" + replicas.get(0).log());
            int[] open = load("/open/z", 100, 3);
            assertEquals(0, open[1], "fallback open limited requests");
        } finally {
            redis.start();
        }
    }
}
