package io.optiflow.lb.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What every discovery provider must do in the real server under load, run the same way for each: the service
 * routed by {@code /<service>} answers with {@code first} and {@code second}; then, with traffic running,
 *
 * <ol>
 *   <li>one of them, holding a request in flight, leaves and {@code third} joins: the newcomer gets traffic within
 *       {@link Source#joinMillis()}, the leaver gets no new request and its request in flight completes;</li>
 *   <li>the newcomer's share ramps up over the slow start ({@link #SLOW_START_SECONDS} s), not in a step;</li>
 *   <li>the source breaks: the last good set stays and serves, and the failure shows in the admin API, in
 *       readiness and in the metrics;</li>
 *   <li>the source mends with {@code fourth} added: it joins, the failure clears;</li>
 * </ol>
 * and no request fails over all of it (the services run with no retries).
 */
final class MembershipScenario {

    /** The slow start every discovery test service runs with. */
    static final int SLOW_START_SECONDS = 3;

    /** A discovery source the test controls. */
    interface Source {

        /** Makes the source answer with exactly these backends from now on (mends a broken source too). */
        void publish(List<TestBackend> members) throws Exception;

        /** Makes the source fail: unreachable or answering garbage. */
        void breakDown() throws Exception;

        /** Longest time from {@link #publish} to the first request a newcomer answers (the documented bound). */
        long joinMillis();

        /** Words the reported error must contain (what the source watches: its file, name, service). */
        String errorMentions();
    }

    private final int proxyPort;
    private final String service;
    private final String type;
    private final Source source;

    MembershipScenario(int proxyPort, String service, String type, Source source) {
        this.proxyPort = proxyPort;
        this.service = service;
        this.type = type;
        this.source = source;
    }

    private List<String> ids() {
        return AdminClient.service(service).getList("backends.id", String.class);
    }

    private static List<String> sorted(TestBackend... backends) {
        return java.util.Arrays.stream(backends).map(TestBackend::id).sorted().toList();
    }

    void run(TestBackend first, TestBackend second, TestBackend third, TestBackend fourth) throws Exception {
        Await.until(10_000, service + ": the first answer is applied",
                () -> ids().containsAll(List.of(first.id(), second.id())));
        JsonPath s = AdminClient.service(service);
        assertEquals(type, s.getString("discovery.type"));
        assertEquals(Collections.nCopies(2, type), s.getList("backends.origin"));

        try (Traffic traffic = new Traffic(proxyPort, "/" + service + "/x", 4)) {
            // The first scenario of a test class runs a second after the server started, while the JIT is still
            // compiling the data plane: answers then stall for tens of milliseconds at a time, and a ramp measured
            // from the newcomer's first answer starts late (CI once read 0.23-0.33 in the first quarter, later
            // runs 0.14-0.16). The membership changes wait for the traffic to have run a while.
            Await.until(15_000, "traffic warmed up", () -> traffic.answered() >= 3_000);
            CompletableFuture<HttpResponse<String>> held = AdminClient.viaProxyAsync(proxyPort,
                    "/" + service + "/hold");
            Await.until(5_000, "a request held on the first or second backend",
                    () -> first.holding() + second.holding() > 0);
            TestBackend leaver = first.holding() > 0 ? first : second;
            TestBackend stayer = leaver == first ? second : first;

            long changed = System.nanoTime();
            source.publish(List.of(stayer, third));
            long joinedMs = Await.until(source.joinMillis(), service + ": the newcomer answers through the proxy",
                    () -> traffic.hitsOf(third.id(), changed) > 0);
            long joined = traffic.firstHit(third.id(), changed);
            Await.until(2_000, "the leaver is out of the set", () -> leavingOrGone(leaver.id()));
            long outOfSet = System.nanoTime();
            AdminClient.release(leaver.id());
            assertEquals(200, held.get(15, TimeUnit.SECONDS).statusCode(), "the request in flight completed");
            Await.until(3_000, "the drained leaver is dropped", () -> !ids().contains(leaver.id()));
            Thread.sleep(300); // traffic after the drop, to see that none of it reaches the leaver
            assertEquals(0, traffic.hitsOf(leaver.id(), outOfSet), "no new request to the leaver");

            assertRamp(traffic, third.id(), joined);

            long errorsBefore = AdminClient.service(service).getLong("discovery.errors");
            source.breakDown();
            Await.until(5_000, service + ": the broken source is reported",
                    () -> AdminClient.service(service).getLong("discovery.errors") > errorsBefore);
            JsonPath broken = AdminClient.service(service);
            assertTrue(broken.getBoolean("discovery.failing"), broken.prettify());
            assertTrue(broken.getString("discovery.lastError").contains(source.errorMentions()), broken.prettify());
            assertEquals(sorted(stayer, third), ids(), "the last good set stays");
            String ready = AdminClient.asViewer().get("/q/health/ready").then().extract().asString();
            assertTrue(ready.contains("discovery." + service) && ready.contains("failing"), ready);
            long answeredBefore = traffic.answered();
            Await.until(5_000, "traffic still flows", () -> traffic.answered() > answeredBefore + 50);

            source.publish(List.of(stayer, third, fourth));
            Await.until(10_000, service + ": the mended source is applied", () -> ids().contains(fourth.id()));
            Await.until(2_000, "no longer failing", () -> !AdminClient.service(service)
                    .getBoolean("discovery.failing"));
            long mended = System.nanoTime();
            Await.until(5_000, "the fourth backend answers", () -> traffic.hitsOf(fourth.id(), mended) > 0);
            traffic.close();
            assertEquals(List.of(), traffic.failures(), service + ": no failed request over the membership changes ("
                    + joinedMs + " ms to the newcomer's first request)");
        }
        String metrics = AdminClient.asViewer().get("/q/metrics").then().extract().asString();
        String labels = "{service=\"" + service + "\",type=\"" + type + "\"}";
        assertTrue(metrics.contains("lb_discovery_errors_total" + labels), "errors metric");
        assertTrue(metrics.contains("lb_discovery_last_success_seconds" + labels), "last success metric");
    }

    /**
     * The newcomer's share ramps up: small in the first quarter of the slow start (counted from its first answer,
     * so a source's delay does not dilute it), its full share after it.
     */
    private static void assertRamp(Traffic traffic, String newcomer, long joinedNanos) {
        long slowStart = TimeUnit.SECONDS.toNanos(SLOW_START_SECONDS);
        Await.until(SLOW_START_SECONDS * 1_000L + 3_000, "ramp over",
                () -> System.nanoTime() > joinedNanos + slowStart + 1_000_000_000L);
        double early = traffic.share(newcomer, joinedNanos, joinedNanos + slowStart / 4);
        double late = traffic.share(newcomer, joinedNanos + slowStart + 200_000_000L, System.nanoTime());
        // full share 1/2 (two backends, round robin); a step would show about 0.5 in the first quarter too. The first
        // quarter is counted from the newcomer's first answer. Its answers must be many for the share to mean
        // anything: with the test backends on TCP_NODELAY (lb-server's surefire settings) it holds 350-1,550 of
        // them and measured 0.14-0.18 (late 0.50); before that it held a few dozen (each answer waited 40 ms for a
        // delayed ACK) and once measured 0.37-0.42 on a busy machine. The bound is a ramp's (round robin's repicks
        // give the newcomer about its admitted share, not half of it), not the ideal line's 0.09
        String seen = "share " + early + " of " + traffic.between(joinedNanos, joinedNanos + slowStart / 4).size()
                + " answers in the first quarter of the slow start, " + late + " after it";
        System.out.println("ramp of " + newcomer + ": " + seen);
        assertTrue(early < 0.3 && late > 0.4 && early < late * 0.7, "a ramp, not a step: " + seen);
        assertFalse(traffic.between(joinedNanos, joinedNanos + slowStart / 4).isEmpty(), "traffic during the ramp");
    }

    private boolean leavingOrGone(String id) {
        List<Map<String, Object>> b = AdminClient.service(service).getList("backends");
        return b.stream().noneMatch(m -> id.equals(m.get("id")) && !Boolean.TRUE.equals(m.get("leaving")));
    }
}
