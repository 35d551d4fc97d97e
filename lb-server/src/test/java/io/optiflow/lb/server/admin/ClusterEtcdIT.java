package io.optiflow.lb.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.state.etcd.EtcdProcess;
import io.restassured.path.json.JsonPath;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three packaged replicas sharing a real etcd (Debian's etcd-server, started on free ports): a change on one is in
 * force on the other two within a second; two conflicting changes at once give exactly one 2xx and one 409; with
 * etcd stopped the replicas keep serving, refuse changes with 503 and say so in readiness and metrics, and converge
 * when it is back; a fourth replica started later gets the state. The replicas start once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class ClusterEtcdIT {

    private static Path root;
    private static EtcdProcess etcd;
    private static final List<PackagedReplica> replicas = new ArrayList<>();
    private static TestBackend a;
    private static TestBackend b;

    @BeforeAll
    static void startCluster() throws Exception {
        root = Files.createTempDirectory("optiflow-cluster-it");
        etcd = EtcdProcess.start(root);
        a = new TestBackend();
        b = new TestBackend();
        for (String id : List.of("r1", "r2", "r3")) {
            replicas.add(replica(id));
        }
        PackagedReplica.awaitAllReady(replicas);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        PackagedReplica.stopAll(root, replicas, etcd, a, b);
    }

    private static PackagedReplica replica(String id) throws Exception {
        return new PackagedReplica(id, root, List.of("-Dlb.state.store=etcd",
                "-Dlb.state.etcd.endpoints=" + etcd.endpoint(), "-Dlb.state.etcd.timeout=1s",
                "-Dlb.services.shop.backends=" + a.url() + "," + b.url(), "-Dlb.services.shop.health.enabled=false",
                "-Dlb.services.shop.retry.attempts=0"));
    }

    private static PackagedReplica r(int i) {
        return replicas.get(i - 1);
    }

    private static JsonPath shop(PackagedReplica r) throws Exception {
        HttpResponse<String> res = r.admin("GET", "/api/v1/services/shop", null);
        assertEquals(200, res.statusCode(), res.body());
        return JsonPath.from(res.body());
    }

    private static int weightOfA(JsonPath s) {
        return s.getInt("backends.find { it.id == '" + a.id() + "' }.weight");
    }

    /** Polls {@code r} until {@code ok}; returns the milliseconds it took. */
    private static long awaitOn(PackagedReplica r, Predicate<JsonPath> ok, long maxMillis) throws Exception {
        long t0 = System.nanoTime();
        while (true) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (ok.test(shop(r))) {
                return ms;
            }
            if (ms > maxMillis) {
                throw new AssertionError("replica " + r.id + " did not get there within " + maxMillis + " ms: "
                        + shop(r).prettify() + "\n" + r.log());
            }
            Thread.sleep(20);
        }
    }

    @Test
    @Order(1)
    void change_onOneReplica_inForceOnTheOtherTwoWithinOneSecond() throws Exception {
        HttpResponse<String> res = r(1).admin("PATCH", "/api/v1/services/shop/backends/" + a.id(),
                "{\"weight\": 7, \"state\": \"DISABLED\"}");
        assertEquals(200, res.statusCode(), res.body());
        long acknowledged = System.nanoTime();
        for (PackagedReplica other : List.of(r(2), r(3))) {
            awaitOn(other, s -> weightOfA(s) == 7, 5_000);
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acknowledged);
        assertTrue(tookMs <= 1_000, "the change took " + tookMs + " ms to be in force on r2 and r3");
        for (int i = 0; i < 4; i++) { // the data plane follows: a is disabled everywhere
            assertEquals(b.id(), r(3).proxy("/after-change-" + i).body());
        }
        JsonPath audit = JsonPath.from(r(2).admin("GET", "/api/v1/audit?limit=1", null).body());
        assertEquals("r1", audit.getString("[0].replica"), "the shared audit trail names the replica");
        assertEquals(200, r(2).admin("POST", "/api/v1/services/shop/backends/" + a.id() + "/reset", null)
                .statusCode());
        awaitOn(r(1), s -> weightOfA(s) == 1, 5_000);
    }

    @Test
    @Order(2)
    void conflictingChangesOnTwoReplicasAtOnce_exactlyOneSucceedsTheOtherGets409WithTheCurrentValue()
            throws Exception {
        awaitOn(r(3), s -> weightOfA(s) == 1, 5_000);
        String tag2 = r(2).admin("GET", "/api/v1/services/shop", null).headers().firstValue("ETag").orElseThrow();
        String tag3 = r(3).admin("GET", "/api/v1/services/shop", null).headers().firstValue("ETag").orElseThrow();
        assertEquals(tag2, tag3, "replicas with the same state show the same tag");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            Callable<HttpResponse<String>> onR2 = () -> {
                go.await();
                return r(2).admin("PUT", "/api/v1/services/shop/strategy", "{\"name\": \"random\"}", "If-Match",
                        tag2);
            };
            Callable<HttpResponse<String>> onR3 = () -> {
                go.await();
                return r(3).admin("PUT", "/api/v1/services/shop/strategy", "{\"name\": \"least-connections\"}",
                        "If-Match", tag3);
            };
            Future<HttpResponse<String>> f2 = pool.submit(onR2);
            Future<HttpResponse<String>> f3 = pool.submit(onR3);
            go.countDown();
            HttpResponse<String> res2 = f2.get(30, TimeUnit.SECONDS);
            HttpResponse<String> res3 = f3.get(30, TimeUnit.SECONDS);
            List<Integer> codes = List.of(res2.statusCode(), res3.statusCode());
            assertTrue(codes.contains(200) && codes.contains(409), "expected one 200 and one 409, got " + codes
                    + ":\n" + res2.body() + "\n" + res3.body());
            HttpResponse<String> loser = res2.statusCode() == 409 ? res2 : res3;
            String winner = res2.statusCode() == 200 ? "random" : "least-connections";
            assertEquals(winner, JsonPath.from(loser.body()).getString("current.strategy"), loser.body());
            for (PackagedReplica r : replicas) {
                awaitOn(r, s -> winner.equals(s.getString("strategy")), 5_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(3)
    void etcdStoppedAndStarted_servingNeverStopsWritesGet503AndReplicasConvergeAfter() throws Exception {
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> {
            int i = 0;
            while (loading.get() && i < 100_000) {
                PackagedReplica r = replicas.get(i++ % 3);
                try {
                    HttpResponse<String> res = r.proxy("/during-outage-" + i);
                    if (res.statusCode() == 200) {
                        served.incrementAndGet();
                    } else {
                        failures.add(r.id + ": " + res.statusCode());
                    }
                    Thread.sleep(5);
                } catch (Exception e) {
                    failures.add(r.id + ": " + e);
                }
            }
        }, "cluster-it-load");
        load.start();
        try {
            etcd.stop();
            for (PackagedReplica r : replicas) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (JsonPath.from(r.admin("GET", "/api/v1/cluster", null).body()).getBoolean("available")) {
                    assertTrue(System.nanoTime() < deadline, r.id + " did not notice etcd was gone in 10 s");
                    Thread.sleep(100);
                }
            }
            HttpResponse<String> refused = r(1).admin("PATCH", "/api/v1/services/shop/backends/" + b.id(),
                    "{\"weight\": 3}");
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("can't be reached"), refused.body());
            JsonPath ready = JsonPath.from(r(2).admin("GET", "/q/health/ready", null).body());
            assertEquals("false", ready.getString("checks.find { it.name == 'state-store' }.data.available"),
                    ready.prettify());
            String metrics = r(3).admin("GET", "/q/metrics", null).body();
            assertTrue(java.util.regex.Pattern.compile("(?m)^lb_state_store_up\\{[^}]*store=\"etcd\"[^}]*} 0\\.0")
                    .matcher(metrics).find(), "lb_state_store_up is not 0:\n" + metrics);
        } finally {
            etcd.start();
        }
        for (PackagedReplica r : replicas) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!JsonPath.from(r.admin("GET", "/api/v1/cluster", null).body()).getBoolean("available")) {
                assertTrue(System.nanoTime() < deadline, r.id + " did not notice etcd was back in 15 s");
                Thread.sleep(100);
            }
        }
        assertEquals(200, r(2).admin("PATCH", "/api/v1/services/shop/backends/" + b.id(), "{\"weight\": 3}")
                .statusCode());
        for (PackagedReplica r : replicas) {
            awaitOn(r, s -> s.getInt("backends.find { it.id == '" + b.id() + "' }.weight") == 3, 5_000);
        }
        loading.set(false);
        load.join(15_000);
        assertTrue(failures.isEmpty(), "serving stopped: " + failures.subList(0, Math.min(10, failures.size())));
        assertTrue(served.get() > 20, "too little traffic during the outage: " + served.get());
    }

    @Test
    @Order(4)
    void fourthReplicaStartedLater_startsWithTheSharedState() throws Exception {
        JsonPath expected = shop(r(1));
        PackagedReplica r4 = replica("r4");
        replicas.add(r4);
        r4.awaitReady();
        JsonPath s = shop(r4);
        assertEquals(expected.getString("strategy"), s.getString("strategy"));
        assertEquals(expected.getList("backends.weight"), s.getList("backends.weight"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (JsonPath.from(r(1).admin("GET", "/api/v1/cluster", null).body()).getList("replicas").size() < 4) {
            assertTrue(System.nanoTime() < deadline, "r1 does not list four replicas");
            Thread.sleep(100);
        }
        JsonPath cluster = JsonPath.from(r4.admin("GET", "/api/v1/cluster", null).body());
        assertEquals("etcd", cluster.getString("store"));
        assertEquals(cluster.getLong("revision"),
                JsonPath.from(r(1).admin("GET", "/api/v1/cluster", null).body()).getLong("revision"));
    }
}
