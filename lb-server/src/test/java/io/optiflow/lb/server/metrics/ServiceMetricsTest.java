package io.optiflow.lb.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.optiflow.lb.core.pool.ServiceView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Meters of backends that left are taken out of the registry and out of the duration histograms. */
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
}
