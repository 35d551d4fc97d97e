package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.AdminClient.asOperator;
import static io.optiflow.lb.server.admin.AdminClient.asViewer;
import static io.optiflow.lb.server.admin.DiscoveryTestEnvironment.BACKENDS;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Service {@code regs}: register, renew, let one expire, deregister, through the real admin API under load. */
@QuarkusTest
@TestProfile(DiscoveryProfile.class)
@Timeout(120)
class RegistrationApiTest {

    private static final String BASE = "/api/v1/services/regs/registrations";

    @Inject
    ProxyServer proxy;

    private static List<String> ids() {
        return AdminClient.service("regs").getList("backends.id", String.class);
    }

    private static JsonPath register(String name, String ttl, int status) {
        return asOperator().contentType("application/json")
                .body("{\"url\": \"" + BACKENDS.get(name).url() + "\", \"weight\": 1, \"ttl\": \"" + ttl + "\"}")
                .post(BASE).then().statusCode(status).extract().jsonPath();
    }

    @Test
    void registerRenewExpireDeregister_underLoad_noFailedRequest() throws Exception {
        String r1 = BACKENDS.get("r1").id();
        String r2 = BACKENDS.get("r2").id();
        try (Traffic traffic = new Traffic(proxy.actualPort(), "/regs/x", 3)) {
            long before = System.nanoTime();
            JsonPath made = register("r1", "3s", 201);
            String id = made.getString("id");
            assertEquals(r1, made.getString("backendId"));
            assertEquals("3s", made.getString("ttl"));
            Instant expires = Instant.parse(made.getString("expiresAt"));
            assertEquals("registration", AdminClient.service("regs")
                    .getString("backends.find { it.id == '" + r1 + "' }.origin"));
            Await.until(3_000, "the registered instance gets traffic", () -> traffic.hitsOf(r1, before) > 0);

            // renew, and register again (same URL): same id, later expiry
            JsonPath renewed = asOperator().put(BASE + "/" + id).then().statusCode(200).extract().jsonPath();
            assertTrue(Instant.parse(renewed.getString("expiresAt")).isAfter(expires.minusMillis(1)));
            assertEquals(id, register("r1", "3s", 200).getString("id"));

            // one that is never renewed leaves when its TTL is over
            JsonPath shortLived = register("r2", "1s", 201);
            Await.until(1_500, "r2 joins", () -> ids().contains(r2));
            Await.until(4_000, "r2 expires", () -> !ids().contains(r2));
            asViewer().get("/api/v1/audit?limit=50").then().statusCode(200)
                    .body("action", hasItem("registration.expire"));
            asOperator().put(BASE + "/" + shortLived.getString("id")).then().statusCode(404);

            // deregister with a request in flight: it completes, no new request reaches r1
            asOperator().put(BASE + "/" + id).then().statusCode(200);
            CompletableFuture<HttpResponse<String>> held = null;
            TestBackend b0 = BACKENDS.get("r0");
            TestBackend b1 = BACKENDS.get("r1");
            for (int i = 0; i < 20 && held == null; i++) { // round robin over r0 and r1: one of a few lands on r1
                CompletableFuture<HttpResponse<String>> h = AdminClient.viaProxyAsync(proxy.actualPort(), "/regs/hold");
                Await.until(5_000, "held", () -> b0.holding() + b1.holding() > 0);
                if (b1.holding() > 0) {
                    held = h;
                } else {
                    AdminClient.release(b0.id());
                    h.get(10, TimeUnit.SECONDS);
                }
            }
            assertTrue(held != null, "a request held on r1");
            asOperator().delete(BASE + "/" + id).then().statusCode(204);
            long removed = System.nanoTime();
            AdminClient.release(r1);
            assertEquals(200, held.get(15, TimeUnit.SECONDS).statusCode());
            Await.until(3_000, "r1 dropped", () -> !ids().contains(r1));
            Thread.sleep(200); // traffic after the drop
            assertEquals(0, traffic.hitsOf(r1, removed + 50_000_000L), "no new request after deregistration");
            asViewer().get(BASE).then().statusCode(200).body("size()", equalTo(0));
            traffic.close();
            assertEquals(List.of(), traffic.failures());
        }
    }

    @Test
    void register_badInputOrViewer_refusedAndNothingChanged() {
        asOperator().contentType("application/json").body("{\"url\": \"ftp://x\", \"weight\": 0, \"ttl\": \"500ms\"}")
                .post(BASE).then().statusCode(400).body("errors.size()", equalTo(3));
        asViewer().contentType("application/json").body("{\"url\": \"" + BACKENDS.get("r3").url() + "\"}")
                .post(BASE).then().statusCode(403);
        asOperator().contentType("application/json").body("{\"url\": \"" + BACKENDS.get("r0").url() + "\"}")
                .post(BASE).then().statusCode(409);
        assertTrue(!ids().contains(BACKENDS.get("r3").id()));
    }

    /** The services readiness names as waiting for registrations (null: none). */
    private static String waitingForRegistrations() {
        return new JsonPath(asViewer().get("/q/health/ready").then().extract().asString())
                .getString("checks.find { it.name == 'load-balancer' }.data.'waiting-for-registrations'");
    }

    @Test
    void registrationOnlyService_noInstanceYet_readyAndUnavailableThenServesWhatRegisters() {
        String solo = "/api/v1/services/solo/registrations";
        assertEquals("solo", waitingForRegistrations());
        assertEquals(503, AdminClient.viaProxyAsync(proxy.actualPort(), "/solo/x").join().statusCode(),
                "nothing registered: no backend");

        TestBackend o1 = BACKENDS.get("o1");
        String id = asOperator().contentType("application/json").body("{\"url\": \"" + o1.url() + "\"}")
                .post(solo).then().statusCode(201).extract().jsonPath().getString("id");
        assertEquals(o1.id(), AdminClient.viaProxy(proxy.actualPort(), "/solo/x"));
        assertEquals(List.of("registration"), AdminClient.service("solo").getList("backends.origin"));
        assertEquals(null, waitingForRegistrations(), "it has a member now");

        asOperator().delete(solo + "/" + id).then().statusCode(204);
        Await.until(3_000, "deregistered: dropped", () -> AdminClient.service("solo").getList("backends").isEmpty());
    }
}
