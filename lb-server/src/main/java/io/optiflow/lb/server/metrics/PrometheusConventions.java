package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Keeps the whole {@code /q/metrics} output clean for {@code promtool check metrics}, not only our lb_* metrics:
 * every meter gets help text, quotes in help text are avoided (the OpenMetrics writer escapes them in a way
 * promtool refuses), and two built-in meters whose names break Prometheus naming rules are dropped
 * ({@code system_cpu_count}: "_count" suffix on a gauge; {@code process_cpu_time_ns_total}: abbreviated unit).
 */
@Singleton
public class PrometheusConventions {

    @Produces
    @Singleton
    MeterFilter dropBadlyNamed() {
        return MeterFilter.denyNameStartsWith("system.cpu.count");
    }

    @Produces
    @Singleton
    MeterFilter dropProcessCpuTimeNs() {
        return MeterFilter.deny(id -> id.getName().equals("process.cpu.time"));
    }

    @Produces
    @Singleton
    MeterFilter helpText() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String d = id.getDescription();
                if (d != null && !d.isBlank() && d.indexOf('"') < 0) {
                    return id;
                }
                String text = d == null || d.isBlank() ? "Metric " + id.getName() : d.replace('"', '\'');
                return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), text,
                        id.getType());
            }
        };
    }
}
