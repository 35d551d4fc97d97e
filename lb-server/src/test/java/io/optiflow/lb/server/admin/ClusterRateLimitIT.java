package io.optiflow.lb.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster-wide limit of 300 req/s on three packaged replicas sharing a real Redis (Debian's redis-server on a free
 * port), with load on all three: the total admitted stays within 5 % of the limit (the burst on top at most). Redis
 * stopped: a service with {@code cluster-fallback=local} holds about the limit (each replica a third), one with
 * {@code open} admits all. The run lasts {@code -Dcluster.limit.seconds} (12 in CI; docs/cluster.md has the 30 s benchmark run).
 *
 * <p>The load comes from Debian's h2load (nghttp2-client), one process per replica, open loop ({@code --rps}): a
 * generator in this JVM costs more CPU than the three replicas together and, on a busy machine, delivered the load
 * late and in clumps, which no limiter can admit in full. The replicas are warmed up first (on another key) and the
 * measured window starts only when each counts all three on Redis; a run whose load did not arrive as offered fails
 * saying so instead of blaming the limiter.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class ClusterRateLimitIT {

    private static final Path H2LOAD = Path.of("/usr/bin/h2load");
    private static final int LIMIT = 300;
    /**
     * 333 ms of the limit, more than the 160 ms between two requests of one h2load connection (16 connections at
     * 12.5 req/s each, each on a timer of its own started with the connection, so they fire in clumps). Permits a
     * bucket accrues beyond its burst while no replica asks are lost, as in any token bucket: with burst 30 (100 ms)
     * this test admitted 0.5-3.0 % under the rate over the run (eight runs), with 100 between 1.75 % under and 2.1 %
     * over (eight runs).
     */
    private static final int BURST = 100;
    private static final int SECONDS = Integer.getInteger("cluster.limit.seconds", 12);
    /**
     * Offered load per replica: twice its share of the limit, over {@link #CONNECTIONS} keep-alive connections.
     * h2load's HTTP/1.1 client has one request outstanding per connection, so a connection keeps its rate only while
     * answers take less than {@code CONNECTIONS / OFFERED_PER_REPLICA} (80 ms); with 4 connections (20 ms) the
     * offered rate fell to 88 req/s per replica on a busy machine.
     */
    private static final int OFFERED_PER_REPLICA = 200;
    private static final int CONNECTIONS = 16;

    private static Path root;
    private static RedisProcess redis;
    private static TestBackend backend;
    private static final List<PackagedReplica> replicas = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        if (!Files.isExecutable(H2LOAD)) {
            throw new IllegalStateException(H2LOAD + " is missing: install Debian's nghttp2-client (.ci/packages)");
        }
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
        awaitRedis(true);
        load("/open/warm-up", OFFERED_PER_REPLICA, 2, false); // JIT warm, on another Redis key
    }

    @AfterAll
    static void stopCluster() throws Exception {
        PackagedReplica.stopAll(root, replicas, redis, backend);
    }

    /** Waits until every replica's readiness says Redis answers (and counts all three) or, for false, is gone. */
    private static void awaitRedis(boolean available) throws Exception {
        for (PackagedReplica r : replicas) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                JsonPath ready = JsonPath.from(r.admin("GET", "/q/health/ready", null).body());
                String check = "checks.find { it.name == 'rate-limit-redis' }.data.";
                if (String.valueOf(available).equals(ready.getString(check + "available"))
                        && (!available || "3".equals(ready.getString(check + "replicas")))) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, r.id + (available ? " does not count three replicas on"
                        + " Redis" : " did not notice Redis was gone") + " within 15 s: " + ready.prettify());
                Thread.sleep(100);
            }
        }
    }

    /** What h2load saw on all replicas together. */
    /** {@code unfinished}: started, but without an answer when h2load's duration ended (not in its status counts). */
    private record Load(int sent, int admitted, int limited, int other, int unfinished, String report) {
    }

    /**
     * Offers {@code perReplica} req/s to {@code path} on every replica at once for {@code seconds} (one h2load each,
     * open loop); fails when the load was not delivered as offered or a request was neither admitted nor limited.
     */
    private static Load load(String path, int perReplica, int seconds) throws Exception {
        return load(path, perReplica, seconds, true);
    }

    private static Load load(String path, int perReplica, int seconds, boolean judged) throws Exception {
        List<Process> runs = new ArrayList<>();
        for (PackagedReplica r : replicas) {
            runs.add(new ProcessBuilder(H2LOAD.toString(), "--h1", "-c", Integer.toString(CONNECTIONS), "--rps",
                    Double.toString(perReplica / (double) CONNECTIONS), "-D", Integer.toString(seconds),
                    "http://127.0.0.1:" + r.proxyPort + path).redirectErrorStream(true).start());
        }
        int sent = 0;
        int admitted = 0;
        int limited = 0;
        int other = 0;
        int unfinished = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < runs.size(); i++) {
            Process p = runs.get(i);
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(seconds + 30L, TimeUnit.SECONDS), "h2load did not end");
            Matcher req = Pattern.compile("requests: (\\d+) total, (\\d+) started, (\\d+) done, \\d+ succeeded,"
                    + " \\d+ failed, (\\d+) errored, (\\d+) timeout").matcher(out);
            Matcher codes = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx")
                    .matcher(out);
            Matcher time = Pattern.compile("time for request: +\\S+ +(\\S+)").matcher(out);
            assertTrue(p.exitValue() == 0 && req.find() && codes.find(), "h2load failed:\n" + out);
            int ok = Integer.parseInt(codes.group(1));
            int tooMany = Integer.parseInt(codes.group(3));
            sent += Integer.parseInt(req.group(1));
            admitted += ok;
            limited += tooMany;
            // neither 2xx nor 429: redirects, server errors, connection errors, timeouts. (done - 2xx - 4xx is not
            // used: h2load counts the status of a request answered as the duration ends, not the request as done)
            other += Integer.parseInt(codes.group(2)) + Integer.parseInt(codes.group(4))
                    + Integer.parseInt(req.group(4)) + Integer.parseInt(req.group(5));
            unfinished += Integer.parseInt(req.group(2)) - Integer.parseInt(req.group(3));
            report.append(replicas.get(i).id).append(": ").append(req.group(0)).append(", ")
                    .append(codes.group(0)).append(", slowest ").append(time.find() ? time.group(1) : "?")
                    .append('\n');
        }
        int offered = perReplica * seconds * replicas.size();
        if (!judged) {
            return new Load(sent, admitted, limited, other, unfinished, report.toString());
        }
        assertTrue(sent >= 0.95 * offered, "the load did not arrive as offered (" + sent + " of " + offered
                + " requests sent in " + seconds + " s: the machine is too busy to judge the limiter)\n" + report);
        assertEquals(0, other, "requests neither admitted nor limited:\n" + report);
        return new Load(sent, admitted, limited, other, unfinished, report.toString());
    }

    @Test
    @Order(1)
    void clusterLimit300_loadOnAllThreeReplicas_totalAdmittedWithinFivePercent() throws Exception {
        Load r = load("/api/x", OFFERED_PER_REPLICA, SECONDS);
        double rate = LIMIT * SECONDS;
        // At most: the rate over the run, the burst, and 5 % for windows that are not the limiter's own (three
        // h2load processes, started one after the other).
        double most = 1.05 * rate + BURST;
        // At least 95 % of the rate. The burst is not counted on this side: a bucket's burst is spent only by a demand
        // that drains it, and each replica claims a batch and what it owes per round trip, so under h2load's arrivals
        // (each connection on its own timer) part of it stays in Redis; with burst 100 the total admitted stayed at
        // 3537-3677 for a rate of 3600 over the run. The requests h2load had started but not seen answered when its
        // duration ended (one per connection) may have been admitted: they count as admitted on this side only.
        double least = 0.95 * rate;
        String trips = roundTrips();
        System.out.printf("cluster limit %d req/s, %d s, offered %d req/s: admitted %d (%.1f req/s), limited %d,"
                + " unanswered at the end %d, %+.2f %% off the rate over the run (burst %d not counted)%n%s%s", LIMIT,
                SECONDS, 3 * OFFERED_PER_REPLICA, r.admitted(), r.admitted() / (double) SECONDS, r.limited(),
                r.unfinished(), (r.admitted() - rate) / rate * 100, BURST, r.report(), trips);
        assertTrue(r.limited() > 0, "nothing was limited: the offered load did not reach the limit\n"
                + replicas.get(0).admin("GET", "/q/health/ready", null).body() + "\n" + replicas.get(0).log());
        assertTrue(r.admitted() <= most, "admitted " + r.admitted() + " in " + SECONDS + " s, more than " + most
                + " (the rate over the run + 5 % + the burst)\n" + r.report() + trips);
        assertTrue(r.admitted() + r.unfinished() >= least, "admitted " + r.admitted() + " (+ " + r.unfinished()
                + " unanswered at the end) in " + SECONDS + " s, less than " + least + " (95 % of the rate over the"
                + " run)\n" + r.report() + trips);
    }

    private static final Pattern ROUND_TRIP = Pattern.compile(
            "(?m)^lb_rate_limit_redis_round_trip_seconds_(count|sum|max)(?:\\{[^}]*})? (\\S+)$");

    /** Each replica's round trips to Redis for its batches (lb_rate_limit_redis_round_trip_seconds), one line each. */
    private static String roundTrips() throws Exception {
        StringBuilder out = new StringBuilder();
        for (PackagedReplica r : replicas) {
            Matcher m = ROUND_TRIP.matcher(r.admin("GET", "/q/metrics", null).body());
            double count = -1;
            double sum = 0;
            double max = 0;
            while (m.find()) {
                double v = Double.parseDouble(m.group(2));
                switch (m.group(1)) {
                    case "count" -> count = v;
                    case "sum" -> sum = v;
                    default -> max = v;
                }
            }
            assertTrue(count > 0, r.id + " reports no round trip to Redis (lb_rate_limit_redis_round_trip_seconds)");
            out.append(String.format("%s: %.0f batch requests to Redis, round trip mean %.1f ms, max %.1f ms%n", r.id,
                    count, sum / count * 1000, max * 1000));
        }
        return out.toString();
    }

    @Test
    @Order(2)
    void redisStopped_localFallbackHoldsAboutTheLimit_openFallbackAdmitsAll() throws Exception {
        redis.stop();
        try {
            awaitRedis(false);
            String metrics = replicas.get(0).admin("GET", "/q/metrics", null).body();
            assertTrue(Pattern.compile("(?m)^lb_rate_limit_redis_up(\\{[^}]*})? 0\\.0").matcher(metrics).find(),
                    "lb_rate_limit_redis_up is not 0:\n" + metrics);
            int seconds = 5;
            Load local = load("/api/y", OFFERED_PER_REPLICA, seconds);
            double expected = LIMIT * seconds + BURST;
            System.out.printf("Redis down, fallback local: admitted %d in %d s (expected about %.0f)%n%s",
                    local.admitted(), seconds, expected, local.report());
            assertTrue(Math.abs(local.admitted() - expected) <= 0.1 * LIMIT * seconds, "fallback local admitted "
                    + local.admitted() + ", expected about " + expected + "\n" + local.report() + "\n"
                    + replicas.get(0).log());
            Load open = load("/open/z", 100, 3);
            assertEquals(0, open.limited(), "fallback open limited requests:\n" + open.report());
        } finally {
            redis.start();
        }
    }
}
