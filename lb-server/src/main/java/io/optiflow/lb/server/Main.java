package io.optiflow.lb.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

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

    public static void main(String... args) {
        if (System.getProperty(RECYCLER_CAPACITY) == null) {
            System.setProperty(RECYCLER_CAPACITY, "0");
        }
        Quarkus.run(args);
    }
}
