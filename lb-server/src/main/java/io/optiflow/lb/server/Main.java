package io.optiflow.lb.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Map;
import java.util.Properties;

/**
 * The server's entry point: Quarkus's own start, after the JVM-wide Netty defaults the data plane is measured with
 * (docs/benchmarks.md). They must be set before any Netty class is loaded, which is why they are set here and not
 * in the data plane; a value given on the command line ({@code -D...}) wins.
 */
@QuarkusMain
public final class Main {

    /**
     * Netty's object recycler off: its per-thread queues cost more CPU per proxied request than allocating the few
     * small objects it would recycle (measured: 10-20 % less CPU per request with it off).
     */
    static final String RECYCLER_CAPACITY = "io.netty.recycler.maxCapacityPerThread";
    /**
     * Netty's buffer leak detector off: by default it draws a random number on every buffer allocation and records
     * a stack trace for one buffer in 128. A leak hunt turns it back on with {@code -Dio.netty.leakDetection.level=
     * simple} (or {@code paranoid}). It only reports; buffer bounds and access checks are not affected.
     */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";
    /** The detector's older property name, which Netty still reads when the newer one is absent. */
    static final String LEAK_DETECTION_OLD = "io.netty.leakDetectionLevel";

    /** Each default and its value, applied when the property is not given. */
    static final Map<String, String> NETTY_DEFAULTS = Map.of(RECYCLER_CAPACITY, "0", LEAK_DETECTION, "disabled");

    public static void main(String... args) {
        applyNettyDefaults(System.getProperties());
        Quarkus.run(args);
    }

    /** Sets each of {@link #NETTY_DEFAULTS} in {@code properties} that is not set there already. */
    static void applyNettyDefaults(Properties properties) {
        NETTY_DEFAULTS.forEach((key, value) -> {
            if (!(key.equals(LEAK_DETECTION) && properties.containsKey(LEAK_DETECTION_OLD))) {
                properties.putIfAbsent(key, value);
            }
        });
    }
}
