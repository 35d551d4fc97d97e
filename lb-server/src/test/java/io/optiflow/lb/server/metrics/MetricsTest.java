package io.optiflow.lb.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.optiflow.lb.server.proxy.BackendFarm;
import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Prometheus endpoint carries every lb_* metric and passes promtool. */
@QuarkusTest
@QuarkusTestResource(value = BackendFarm.class, restrictToAnnotatedClass = true)
@Timeout(60)
class MetricsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Inject
    ProxyServer proxy;

    private HttpResponse<String> send(int port, String path) throws Exception {
        // The Prometheus text format (what promtool reads); without it Quarkus answers OpenMetrics.
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("accept", "text/plain; version=0.0.4")
                .header("authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("admin:test-operator-pw".getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        // A few kinds of traffic first: answered, retried, refused (no backend), rate limited.
        for (int i = 0; i < 5; i++) {
            send(proxy.actualPort(), "/rr/m" + i);
            send(proxy.actualPort(), "/retry/m" + i);
            send(proxy.actualPort(), "/down/m" + i);
            send(proxy.actualPort(), "/limited/m" + i);
        }
        int admin = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        String text = null;
        // Gauges copied from the core refresh every second: poll briefly (bounded) for the backend ones.
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = send(admin, "/q/metrics");
            assertEquals(200, r.statusCode(), r.body());
            text = r.body();
            if (text.contains("lb_backend_up{")) {
                break;
            }
            Thread.sleep(100);
        }
        Files.writeString(Path.of("target", "last-metrics-scrape.txt"), text);
        return text;
    }

    @Test
    void metricsEndpoint_afterTraffic_hasEveryLbMetric() throws Exception {
        String text = scrape();
        for (String name : List.of("lb_requests_total{", "lb_request_duration_seconds_bucket{",
                "lb_backend_in_flight{", "lb_backend_up{", "lb_backend_ejections_total{", "lb_retries_total{",
                "lb_rate_limited_total{", "lb_strategy_switches_total{", "lb_no_backend_total{")) {
            assertTrue(text.contains(name), "missing " + name);
        }
        assertTrue(text.contains("code_class=\"2xx\""), "status classes are labelled");
        assertTrue(text.matches("(?s).*lb_retries_total\\{service=\"retry\",?} [1-9].*"), "retries were counted");
        assertTrue(text.matches("(?s).*lb_no_backend_total\\{service=\"down\",?} [1-9].*")
                || text.contains("service=\"down\""), "no-backend refusals are labelled by service");
    }

    @Test
    void metricsEndpoint_passesPromtoolCheck() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            fail("promtool is missing: install the Debian package 'prometheus' (apt-get install -y prometheus) "
                    + "so this test can check the metrics format");
        }
        Path file = Files.createTempFile("lb-metrics", ".txt");
        try {
            Files.writeString(file, scrape());
            Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "promtool did not finish");
            // Exit 0 and no output: no parse error and no lint finding, on our lb_* metrics and the built-in ones.
            assertEquals(0, p.exitValue(), "promtool findings:\n" + out);
            assertEquals("", out.strip(), "promtool findings:\n" + out);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
