package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Exports {@code lb_request_duration_seconds} (histogram, and {@code _max}) from the backends' lock-free bucket
 * counters at scrape time, as a collector of the Prometheus registry behind Micrometer: the request path never
 * calls a Micrometer timer. On a registry without Prometheus (tests, tools) each backend gets a function timer
 * (count and sum) instead.
 */
final class DurationHistograms extends Collector {

    static final String NAME = "lb_request_duration_seconds";
    private static final String HELP = "Time from sending a request to a backend to the end of its response";
    private static final List<String> LABELS = List.of("service", "backend");
    private static final List<String> BUCKET_LABELS = List.of("service", "backend", "le");
    private static final String[] LE = new String[BackendMeters.BUCKETS.length + 1];

    static {
        for (int i = 0; i < BackendMeters.BUCKETS.length; i++) {
            LE[i] = Collector.doubleToGoString(BackendMeters.BUCKET_NANOS[i] / 1e9);
        }
        LE[LE.length - 1] = "+Inf";
    }

    private final Supplier<Iterable<BackendMeters>> meters;

    private DurationHistograms(Supplier<Iterable<BackendMeters>> meters) {
        this.meters = meters;
    }

    /** Binds the histograms to {@code registry}; true when a Prometheus collector now exports them. */
    static boolean bind(MeterRegistry registry, Supplier<Iterable<BackendMeters>> meters) {
        PrometheusMeterRegistry prometheus = prometheus(registry);
        if (prometheus == null) {
            return false;
        }
        prometheus.getPrometheusRegistry().register(new DurationHistograms(meters));
        return true;
    }

    /** Count and sum of one backend's durations, for registries without Prometheus; the timer registered. */
    static FunctionTimer bindTimer(MeterRegistry registry, BackendMeters m) {
        return FunctionTimer.builder("lb.request.duration", m, BackendMeters::durationCount,
                        BackendMeters::durationSumNanos, TimeUnit.NANOSECONDS)
                .description(HELP).tags("service", m.service, "backend", m.backend).register(registry);
    }

    private static PrometheusMeterRegistry prometheus(MeterRegistry r) {
        if (r instanceof PrometheusMeterRegistry p) {
            return p;
        }
        if (r instanceof CompositeMeterRegistry c) {
            for (MeterRegistry m : c.getRegistries()) {
                PrometheusMeterRegistry p = prometheus(m);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples.Sample> samples = new ArrayList<>();
        List<MetricFamilySamples.Sample> maxima = new ArrayList<>();
        for (BackendMeters m : meters.get()) {
            long cumulative = 0;
            for (int i = 0; i < LE.length; i++) {
                cumulative += m.bucketCount(i);
                samples.add(new MetricFamilySamples.Sample(NAME + "_bucket", BUCKET_LABELS,
                        List.of(m.service, m.backend, LE[i]), cumulative));
            }
            List<String> values = List.of(m.service, m.backend);
            samples.add(new MetricFamilySamples.Sample(NAME + "_count", LABELS, values, cumulative));
            samples.add(new MetricFamilySamples.Sample(NAME + "_sum", LABELS, values,
                    m.durationSumNanos() / 1e9));
            // the largest since the previous scrape, as Micrometer's timers report it (over a short window)
            maxima.add(new MetricFamilySamples.Sample(NAME + "_max", LABELS, values,
                    m.durationMaxNanos.getAndSet(0) / 1e9));
        }
        return List.of(new MetricFamilySamples(NAME, Type.HISTOGRAM, HELP, samples),
                new MetricFamilySamples(NAME + "_max", Type.GAUGE, HELP + " (largest since the previous scrape)",
                        maxima));
    }
}
