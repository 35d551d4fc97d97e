package io.optiflow.lb.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.optiflow.lb.core.pool.ServiceView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Meters of backends that left are taken out of the registry and out of the duration histograms; the event loops'
 * parts and the other threads' adders add up in what is exported.
 */
class ServiceMetricsTest {

    private static ServiceView emptyView() {
        return new ServiceView("s", "round-robin", Map.of(), false, "round-robin", 0, List.of());
    }

    /** Whether {@code text} has a series of {@code metric} with label backend = {@code backend}. */
    private static boolean series(String text, String metric, String backend) {
        return text.lines().anyMatch(l -> l.startsWith(metric + "{") && l.contains("backend=\"" + backend + "\""));
    }

    @Test
    void refresh_backendMissingFromTwoViews_itsSeriesAndHistogramAreGone() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServiceMetrics service = LbMetrics.standalone(registry).service("s");
        service.backend("10.0.0.1:80").record(200, 3_000_000);

        assertTrue(series(registry.scrape(), "lb_request_duration_seconds_count", "10.0.0.1:80"));
        assertTrue(series(registry.scrape(), "lb_requests_total", "10.0.0.1:80"));
        service.refresh(emptyView());
        assertTrue(registry.scrape().contains("backend=\"10.0.0.1:80\""), "one missing view keeps the meters");
        service.refresh(emptyView());

        String text = registry.scrape();
        assertFalse(text.contains("backend=\"10.0.0.1:80\""), text);
        assertTrue(series(text, "lb_requests_total", "none"), "the proxy's own answers stay: " + text);
        assertEquals(0, service.backendCount());
    }

    @Test
    void remove_registryWithoutPrometheus_everyMeterOfTheServiceIsGone() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServiceMetrics service = LbMetrics.standalone(registry).service("s");
        service.backend("10.0.0.1:80").record(503, 1_000);
        assertTrue(registry.find("lb.request.duration").tag("backend", "10.0.0.1:80").functionTimer() != null);

        service.remove();

        assertEquals(List.of(), registry.getMeters().stream().map(m -> m.getId().toString()).toList());
    }

    /** The value of the sample line of {@code metric} whose labels contain each of {@code labels}. */
    private static double value(String text, String metric, String... labels) {
        return text.lines().filter(l -> l.startsWith(metric + "{"))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }

    @Test
    void scrape_recordsOfTwoLoopsAndOfAnotherThread_exportedAsTheirSums() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BackendMeters meters = LbMetrics.standalone(registry).service("s").backend("10.0.0.1:80");
        Object[] loops = {new Object(), new Object()};
        Thread[] threads = new Thread[loops.length];
        for (int t = 0; t < loops.length; t++) {
            Object loop = loops[t];
            threads[t] = new Thread(() -> {
                LoopMeters part = meters.forLoop(loop);
                for (int i = 0; i < 1000; i++) {
                    part.record(200, 3_000_000); // the 5 ms bucket
                }
                part.record(503, 20_000_000); // the 25 ms bucket
                part.record(101, -1); // no duration
            });
            threads[t].start();
        }
        meters.record(404, 700_000); // the 1 ms bucket, from a thread without a part
        for (Thread t : threads) {
            t.join(10_000);
        }

        String text = registry.scrape();
        String b = "backend=\"10.0.0.1:80\"";
        assertEquals(2000, value(text, "lb_requests_total", b, "code_class=\"2xx\""), text);
        assertEquals(2, value(text, "lb_requests_total", b, "code_class=\"5xx\""));
        assertEquals(2, value(text, "lb_requests_total", b, "code_class=\"1xx\""));
        assertEquals(1, value(text, "lb_requests_total", b, "code_class=\"4xx\""));
        assertEquals(2003, value(text, "lb_request_duration_seconds_count", b));
        assertEquals(1, value(text, "lb_request_duration_seconds_bucket", b, "le=\"0.001\""));
        assertEquals(2001, value(text, "lb_request_duration_seconds_bucket", b, "le=\"0.005\""));
        assertEquals(2003, value(text, "lb_request_duration_seconds_bucket", b, "le=\"0.025\""));
        assertEquals(2003, value(text, "lb_request_duration_seconds_bucket", b, "le=\"+Inf\""));
        assertEquals((2000 * 3_000_000L + 2 * 20_000_000L + 700_000L) / 1e9,
                value(text, "lb_request_duration_seconds_sum", b), 1e-9);
        assertEquals(0.02, value(text, "lb_request_duration_seconds_max", b), 1e-9);
        assertSame(meters.forLoop(loops[0]), meters.forLoop(loops[0]), "one part per loop");
        assertEquals(2, meters.loopCount());
    }

    @Test
    void loopPart_backendMissingFromTwoViews_isStaleAndTheServiceGivesNewMeters() {
        ServiceMetrics service = LbMetrics.standalone(new SimpleMeterRegistry()).service("s");
        Object loop = new Object();
        LoopMeters part = service.backend("10.0.0.1:80").forLoop(loop);
        service.refresh(emptyView());
        assertTrue(part.isCurrent(), "one missing view keeps the meters");
        service.refresh(emptyView());

        assertFalse(part.isCurrent());
        LoopMeters again = service.backend("10.0.0.1:80").forLoop(loop);
        assertNotSame(part, again);
        assertTrue(again.isCurrent());
    }
}
