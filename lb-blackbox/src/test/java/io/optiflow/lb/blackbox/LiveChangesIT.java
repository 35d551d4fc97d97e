package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.optiflow.lb.blackbox.harness.AdminApi;
import io.optiflow.lb.blackbox.harness.Await;
import io.optiflow.lb.blackbox.harness.Fixture;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.LoadLoop;
import io.optiflow.lb.blackbox.harness.PrometheusText;
import io.optiflow.lb.blackbox.harness.ScriptedBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Everything an operator changes while traffic runs, with zero failed requests: 100 strategy switches through the
 * built-in strategies, a backend added, drained, re-weighted, enabled and removed, a plug-in JAR dropped into the
 * plug-ins folder and switched to. Afterwards nothing is left in flight.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveChangesIT {

    private static final List<String> STRATEGIES = List.of("round-robin", "random", "least-connections",
            "power-of-two", "weighted-round-robin", "latency-weighted", "consistent-hash");

    private static Fixture fixture;
    private static ScriptedBackend a;
    private static ScriptedBackend b;
    private static ScriptedBackend c;
    private static LbProcess lb;

    @BeforeAll
    static void start() {
        fixture = Fixture.create("live-changes-it");
        a = fixture.backend();
        b = fixture.backend();
        c = fixture.backend();
        lb = fixture.add(fixture.server().property("lb.services.live.backends", a.url() + "," + b.url())
                .property("lb.services.live.health.enabled", "false").start());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void strategySwitchesBackendChangesAndAPluginUnderLoad_noRequestFails_nothingLeftInFlight() throws Exception {
        AdminApi admin = lb.admin();
        String svc = "/api/v1/services/live";
        LoadLoop load = new LoadLoop(lb.proxyPort(), "/sleep/2?n=", 4);
        try {
            Await.until("traffic flowing", 30, () -> load.succeeded() > 100);
            for (int i = 0; i < 100; i++) {
                admin.ok("PUT", svc + "/strategy", "{\"name\": \"" + STRATEGIES.get(i % STRATEGIES.size()) + "\"}",
                        200);
                if (i == 20) {
                    admin.ok("POST", svc + "/backends", "{\"url\": \"" + c.url() + "\", \"weight\": 2}", 201);
                } else if (i == 40) {
                    admin.ok("PATCH", svc + "/backends/" + a.id(), "{\"state\": \"DRAINING\"}", 200);
                } else if (i == 50) {
                    admin.ok("PATCH", svc + "/backends/" + b.id(), "{\"weight\": 5}", 200);
                } else if (i == 60) {
                    admin.ok("PATCH", svc + "/backends/" + a.id(), "{\"state\": \"ENABLED\"}", 200);
                } else if (i == 80) {
                    admin.ok("DELETE", svc + "/backends/" + c.id(), null, 204);
                }
                long before = load.succeeded();
                Await.until("traffic under switch " + i, 30, () -> load.succeeded() > before + 5);
            }
            dropPlugin();
            Await.until("the plug-in strategy listed", 30,
                    () -> admin.json("/api/v1/strategies").toString().contains("\"zone-aware\""));
            admin.ok("PUT", svc + "/strategy", "{\"name\": \"zone-aware\", \"config\": {\"zone\": \"eu\"}}", 200);
            long before = load.succeeded();
            Await.until("traffic under the plug-in", 30, () -> load.succeeded() > before + 200);
        } finally {
            load.close();
        }
        System.out.printf("LiveChangesIT: %d requests under 101 strategy switches and 5 backend changes, %d failed%n",
                load.succeeded() + load.failed(), load.failed());
        assertEquals(0, load.failed(), load.failures());
        Await.until("nothing in flight", 30, () -> {
            PrometheusText m = PrometheusText.scrape(admin);
            return m.sum("lb_backend_in_flight") == 0 && m.sum("lb_service_in_flight") == 0;
        });
        for (JsonNode backend : admin.json(svc).get("backends")) {
            assertEquals(0, backend.get("inFlight").asInt(), backend.toString());
        }
        assertEquals("zone-aware", admin.json(svc).get("strategy").asText());
    }

    private static void dropPlugin() throws Exception {
        Path src = Path.of(System.getProperty("example.plugin.dir", "target/test-plugins-src"));
        Path jar;
        try (Stream<Path> files = Files.list(src)) {
            jar = files.filter(f -> f.toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no example plug-in JAR in " + src.toAbsolutePath()));
        }
        Path plugins = Files.createDirectories(fixture.root().resolve("plugins"));
        Path tmp = plugins.resolve(jar.getFileName() + ".part");
        Files.copy(jar, tmp);
        Files.move(tmp, plugins.resolve(jar.getFileName())); // appears whole, as an operator's mv would
    }

}
