package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.DiscoveryTestEnvironment.BACKENDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Service {@code files}: a real backends file rewritten while traffic runs through the real server (slow start 3 s,
 * health checks every 200 ms, no retries).
 */
@QuarkusTest
@TestProfile(DiscoveryProfile.class)
@Timeout(120)
class FileDiscoveryTest {

    @Inject
    ProxyServer proxy;

    private static String entry(String name, int weight) {
        return "{\"url\": \"" + BACKENDS.get(name).url() + "\", \"weight\": " + weight + "}";
    }

    private static List<String> ids() {
        return AdminClient.service("files").getList("backends.id", String.class);
    }

    @Test
    void fileRewrittenUnderLoad_addedGetsTrafficRemovedDrainsHalfWrittenKeepsLastGoodSet() throws Exception {
        String f1 = BACKENDS.get("f1").id();
        String f2 = BACKENDS.get("f2").id();
        String f3 = BACKENDS.get("f3").id();
        Await.until(5_000, "first file read", () -> ids().containsAll(List.of(f1, f2)));
        JsonPath s = AdminClient.service("files");
        assertEquals("file", s.getString("discovery.type"));
        assertEquals(List.of("file", "file"), s.getList("backends.origin"));
        Await.until(5_000, "health checks reached the discovered backends",
                () -> !AdminClient.service("files").getList("backends.health").isEmpty());

        try (Traffic traffic = new Traffic(proxy.actualPort(), "/files/x", 4)) {
            // a request held on f2 stays in flight across its removal and must complete
            CompletableFuture<HttpResponse<String>> held = AdminClient.viaProxyAsync(proxy.actualPort(), "/files/hold");
            Await.until(5_000, "a request held on f1 or f2",
                    () -> BACKENDS.get("f1").holding() + BACKENDS.get("f2").holding() > 0);
            String heldOn = BACKENDS.get("f1").holding() > 0 ? f1 : f2;

            // f1 and f3 stay or join, the held one leaves
            String keep = heldOn.equals(f1) ? "f2" : "f1";
            long changed = System.nanoTime();
            DiscoveryTestEnvironment.writeAtomically(DiscoveryTestEnvironment.backendsFile,
                    "[" + entry(keep, 1) + ", " + entry("f3", 1) + "]");
            long joinedMs = Await.until(2_000, "f3 answers through the proxy within 2 s of the rewrite",
                    () -> traffic.hitsOf(f3, changed) > 0);
            long gone = System.nanoTime();
            Await.until(2_000, "the held backend is out of the set", () -> leavingOrGone(heldOn));
            long outOfSet = System.nanoTime();
            AdminClient.release(heldOn);
            assertEquals(200, held.get(15, TimeUnit.SECONDS).statusCode(), "the request in flight completed");
            Await.until(3_000, "the drained backend is dropped", () -> !ids().contains(heldOn));
            Thread.sleep(300); // traffic after the drop, to see that none of it reaches the removed backend
            assertEquals(0, traffic.hitsOf(heldOn, outOfSet), "no new request to the removed backend");

            // slow start: f3's share ramps up over 3 s (its full share is 1/2)
            double early = traffic.share(f3, changed, changed + 750_000_000L);
            Await.until(6_000, "ramp over", () -> System.nanoTime() > changed + 4_000_000_000L);
            double late = traffic.share(f3, changed + 3_200_000_000L, System.nanoTime());
            assertTrue(early < 0.3 && late > 0.4 && early < late / 2,
                    "a ramp, not a step: share " + early + " in the first 0.75 s, " + late + " after the ramp");

            // half-written and garbage files keep the last good set, and are reported
            long errorsBefore = AdminClient.service("files").getLong("discovery.errors");
            Files.writeString(DiscoveryTestEnvironment.backendsFile, "[" + entry(keep, 1) + ", {\"url\": \"http://",
                    StandardCharsets.UTF_8);
            Await.until(2_000, "the half-written file is reported",
                    () -> AdminClient.service("files").getLong("discovery.errors") > errorsBefore);
            JsonPath broken = AdminClient.service("files");
            assertTrue(broken.getBoolean("discovery.failing"));
            assertTrue(broken.getString("discovery.lastError").contains("backends.json"),
                    broken.getString("discovery.lastError"));
            assertEquals(List.of(BACKENDS.get(keep).id(), f3).stream().sorted().toList(), ids());
            String ready = AdminClient.asViewer().get("/q/health/ready").then().extract().asString();
            assertTrue(ready.contains("discovery.files") && ready.contains("failing"), ready);
            long answeredBefore = traffic.answered();
            Await.until(5_000, "traffic still flows", () -> traffic.answered() > answeredBefore + 50);

            // a good file again: applied, no longer failing
            DiscoveryTestEnvironment.writeAtomically(DiscoveryTestEnvironment.backendsFile,
                    "[" + entry(keep, 1) + ", " + entry("f3", 2) + ", " + entry("f4", 1) + "]");
            Await.until(2_000, "f4 joins", () -> ids().contains(BACKENDS.get("f4").id()));
            assertTrue(!AdminClient.service("files").getBoolean("discovery.failing"));
            traffic.close();
            assertEquals(List.of(), traffic.failures(), "no failed request over the membership changes (" + joinedMs
                    + " ms to first traffic)");
        }
        String metrics = AdminClient.asViewer().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains("lb_discovery_errors_total{service=\"files\",type=\"file\"}"), "errors metric");
        assertTrue(metrics.contains("lb_discovery_last_success_seconds{service=\"files\",type=\"file\"}"),
                "last success metric");
    }

    private static boolean leavingOrGone(String id) {
        List<Map<String, Object>> b = AdminClient.service("files").getList("backends");
        return b.stream().noneMatch(m -> id.equals(m.get("id")) && !Boolean.TRUE.equals(m.get("leaving")));
    }
}
