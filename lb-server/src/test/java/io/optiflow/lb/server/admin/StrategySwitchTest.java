package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.AdminClient.asOperator;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A live switch of service {@code switch} changes what the proxy does: with one request held open on a backend,
 * round robin still sends it every other request; least-connections sends none.
 */
@QuarkusTest
@TestProfile(AdminPlaneProfile.class)
class StrategySwitchTest {

    private static final String BASE = "/api/v1/services/switch";

    @ConfigProperty(name = "lb.services.switch.backends")
    String switchBackends;

    @Inject
    ProxyServer proxy;

    private int proxyPort;

    @BeforeEach
    void findProxyPort() {
        proxyPort = proxy.actualPort();
    }

    @BeforeEach
    void backToConfigured() {
        asOperator().delete(BASE + "/strategy").then().statusCode(200).body("strategy", equalTo("round-robin"));
    }

    @AfterEach
    void releaseHeld() {
        AdminClient.ids(switchBackends).forEach(AdminClient::release);
    }

    @Test
    void switchStrategy_toLeastConnections_sendsNothingToTheBusyBackend() throws Exception {
        // Round robin ignores a backend's load.
        int toBusy = requestsToBusyBackendWhileOneIsHeld(6);
        assertTrue(toBusy >= 2, "round robin sent " + toBusy + " of 6 requests to the busy backend (expected 3)");

        asOperator().contentType("application/json")
                .body("{\"name\": \"least-connections\", \"config\": {\"respect-weights\": false}}")
                .put(BASE + "/strategy")
                .then().statusCode(200)
                .body("strategy", equalTo("least-connections"))
                .body("strategyConfig.respect-weights", equalTo("false"))
                .body("configuredStrategy", equalTo("round-robin"))
                .body("overridden", equalTo(List.of("strategy")));

        assertEquals(0, requestsToBusyBackendWhileOneIsHeld(6),
                "least-connections sent requests to the backend with one in flight");

        asOperator().get("/api/v1/audit?limit=1").then().statusCode(200)
                .body("[0].actor", equalTo(AdminClient.OPERATOR))
                .body("[0].target", equalTo("switch"));
        JsonPath audit = asOperator().get("/api/v1/audit?limit=1").then().extract().jsonPath();
        assertTrue(audit.getString("[0].before").contains("round-robin"), audit.prettify());
        assertTrue(audit.getString("[0].after").contains("least-connections"), audit.prettify());
    }

    @Test
    void resetStrategy_afterSwitch_isBackToConfigured() {
        asOperator().contentType("application/json").body("{\"name\": \"power-of-two\"}")
                .put(BASE + "/strategy").then().statusCode(200).body("strategy", equalTo("power-of-two"));
        asOperator().delete(BASE + "/strategy").then().statusCode(200)
                .body("strategy", equalTo("round-robin"))
                .body("overridden", empty());
        asOperator().get(BASE).then().statusCode(200).body("strategy", equalTo("round-robin"));
    }

    /**
     * Holds one request open on whichever backend the strategy picks, then sends {@code n} ordinary requests one at a
     * time; returns how many reached the busy backend.
     */
    private int requestsToBusyBackendWhileOneIsHeld(int n) throws Exception {
        CompletableFuture<HttpResponse<String>> held = AdminClient.viaProxyAsync(proxyPort, "/switch/hold");
        String busy = awaitBackendWithRequestInFlight();
        int toBusy = 0;
        for (int i = 0; i < n; i++) {
            if (busy.equals(AdminClient.viaProxy(proxyPort, "/switch/plain-" + i))) {
                toBusy++;
            }
        }
        AdminClient.release(busy);
        assertEquals(busy, held.get(10, TimeUnit.SECONDS).body());
        return toBusy;
    }

    private String awaitBackendWithRequestInFlight() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<String> busy = AdminClient.service("switch").getList("backends.findAll { it.inFlight > 0 }.id");
            if (busy.size() == 1) {
                return busy.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no backend of service switch showed the held request in flight within 5 s: "
                + AdminClient.service("switch").prettify());
    }
}
