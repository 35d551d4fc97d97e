package io.optiflow.lb.server.proxy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.ThreadLocalRandomSource;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.server.config.Cidr;
import io.optiflow.lb.server.config.ClientLimits;
import io.optiflow.lb.server.config.ProxySettings;
import io.optiflow.lb.server.config.ServiceSettings;
import io.optiflow.lb.server.config.TlsSettings;
import io.optiflow.lb.server.metrics.LbMetrics;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A data plane of its own (no Quarkus) with one service {@code svc} on path {@code /}, round robin over backends on
 * loopback, health checks off: for tests that need to control the event loops and the backend precisely.
 */
final class StandaloneDataPlane implements AutoCloseable {

    /**
     * The system property that chooses these data planes' HTTP/1.1 path as the server's setting does: the byte path
     * unless it is {@code false} ({@code mvn ... -Dlb.proxy.byte-forwarding=false} runs the suites on the decoded path).
     */
    static final String BYTE_FORWARDING = "lb.proxy.byte-forwarding";

    /** The byte path on, as in the server, unless {@value #BYTE_FORWARDING} says {@code false}. */
    static boolean byteForwardingSetting() {
        return Boolean.parseBoolean(System.getProperty(BYTE_FORWARDING, "true"));
    }

    final DataPlane plane;
    final int port;
    final ControlPlane controlPlane;
    /** The data plane's metrics, on a registry of their own. */
    final LbMetrics metrics;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScheduledExecutorService scheduler;

    /**
     * @param backendPorts  ports of the backends on 127.0.0.1
     * @param timeoutMillis the service's backend silence limit
     * @param loops         event loops (1: every client connection shares one loop and so one backend pool)
     */
    StandaloneDataPlane(List<Integer> backendPorts, long timeoutMillis, int loops) throws Exception {
        this(backendPorts, timeoutMillis, loops, ClientLimits.DEFAULTS);
    }

    /** @param limits the client-side deadlines and caps */
    StandaloneDataPlane(List<Integer> backendPorts, long timeoutMillis, int loops, ClientLimits limits)
            throws Exception {
        this(backendPorts, timeoutMillis, loops, limits, byteForwardingSetting(), 0, List.of());
    }

    /** @param byteForwarding the HTTP/1.1 byte path on or off, whatever the system property says */
    StandaloneDataPlane(List<Integer> backendPorts, long timeoutMillis, int loops, ClientLimits limits,
                        boolean byteForwarding) throws Exception {
        this(backendPorts, timeoutMillis, loops, limits, byteForwarding, 0, List.of());
    }

    /**
     * @param byteForwarding the HTTP/1.1 byte path on or off, whatever the system property says
     * @param retryAttempts  further backends tried after the first
     * @param trusted        peers whose forwarding headers are taken as they are
     */
    StandaloneDataPlane(List<Integer> backendPorts, long timeoutMillis, int loops, ClientLimits limits,
                        boolean byteForwarding, int retryAttempts, List<Cidr> trusted) throws Exception {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        controlPlane = new ControlPlane(StrategyRegistry.create(Files.createTempDirectory("lb-plugins")),
                Files.createTempDirectory("lb-data"), Ticker.SYSTEM, ThreadLocalRandomSource.INSTANCE, scheduler,
                Clock.systemUTC());
        HealthPolicy noChecks = new HealthPolicy(false, "/", 5_000_000_000L, 2_000_000_000L, 2, 3, 0,
                30_000_000_000L, 300_000_000_000L, 50);
        List<BackendSpec> backends = backendPorts.stream()
                .map(p -> new BackendSpec("127.0.0.1:" + p, "http", "127.0.0.1", p, 1)).toList();
        ServiceSpec spec = new ServiceSpec("svc", backends, "round-robin", Map.of(), noChecks);
        controlPlane.start(List.of(spec));
        ServiceSettings settings = new ServiceSettings(spec, null, "/", timeoutMillis, retryAttempts, 20, 0, 0, 0, 0,
                ServiceSettings.HashKey.CLIENT_IP);
        metrics = LbMetrics.standalone(registry);
        ServiceRoute route = new ServiceRoute(settings, controlPlane.pool("svc").orElseThrow(),
                metrics.service("svc"), System.nanoTime());
        plane = new DataPlane(new ProxySettings("127.0.0.1", 0, trusted, 100, 16 * 1024, 8 * 1024, 64, 2000, loops,
                limits, TlsSettings.NONE, byteForwarding), new RoutingTable(List.of(route)));
        port = plane.start();
    }

    @Override
    public void close() {
        plane.close(Duration.ofSeconds(2));
        controlPlane.close();
        scheduler.shutdownNow();
    }
}
