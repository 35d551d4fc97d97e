package io.optiflow.lb.server.bootstrap;

import io.optiflow.lb.api.spi.Durations;
import io.optiflow.lb.server.config.InvalidConfigException;
import io.optiflow.lb.server.config.LbConfig;
import io.optiflow.lb.server.config.ShutdownSettings;
import io.optiflow.lb.server.proxy.DataPlane;
import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * SIGTERM starts an orderly stop that ends with exit code 0 (the JVM's own answer to SIGTERM is 143):
 * <ol>
 *   <li>readiness goes DOWN (Quarkus' shutdown readiness check) while both planes keep serving;</li>
 *   <li>{@code lb.shutdown.drain-delay} passes (Quarkus' shutdown delay, {@code quarkus.shutdown.delay}), so
 *       Kubernetes endpoints and load balancers in front stop sending;</li>
 *   <li>the data plane stops accepting, tells keep-alive clients {@code Connection: close} (idle connections are
 *       closed), ends WebSocket tunnels with a close frame (1001), and lets requests in flight finish, up to
 *       {@code lb.shutdown.timeout} ({@link #drain}, first of the shutdown event's observers, before
 *       {@link ProxyServer} closes what is left);</li>
 *   <li>the process exits 0.</li>
 * </ol>
 */
@Singleton
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    @Inject
    LbConfig config;

    @Inject
    ProxyServer proxy;

    private volatile ShutdownSettings settings;
    private volatile boolean stopping;

    void onStart(@Observes StartupEvent event) {
        try {
            settings = ShutdownSettings.from(config);
        } catch (InvalidConfigException e) {
            LOG.error(e.getMessage()); // said plainly before Quarkus' stack trace
            throw e;
        }
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return; // tests and dev mode keep the JVM's own handling of signals
        }
        // A signal handler replaces the JVM's, which would run the same shutdown hooks but exit 143.
        Signal.handle(new Signal("TERM"), signal -> {
            LOG.infof("SIGTERM: stopping gracefully (readiness DOWN; the data plane keeps accepting for"
                    + " lb.shutdown.drain-delay=%s, then lets requests in flight finish for up to lb.shutdown.timeout=%s)",
                    Durations.format(settings.drainDelayNanos()), Durations.format(settings.timeoutNanos()));
            Quarkus.asyncExit(0);
        });
    }

    /** The checked {@code lb.shutdown.*} settings (null before start-up). */
    public ShutdownSettings settings() {
        return settings;
    }

    /**
     * Whether a shutdown has begun (the drain delay or the drain itself). The load balancer's own readiness check is
     * DOWN from then on, whatever {@code quarkus.shutdown.delay-enabled} (which Quarkus' shutdown check needs) says.
     */
    public boolean isStopping() {
        return stopping;
    }

    /** Runs before the other shutdown observers (ProxyServer's close among them): the drain of the data plane. */
    void drain(@Observes @Priority(1) ShutdownEvent event) throws Exception {
        stopping = true;
        DataPlane plane = proxy.dataPlane();
        ShutdownSettings s = settings;
        if (plane == null || s == null) {
            return; // start-up failed: nothing to drain
        }
        long start = System.nanoTime();
        plane.stopAccepting().get(5, TimeUnit.SECONDS);
        plane.drainConnections();
        int tunnels = plane.openTunnels();
        plane.closeTunnels();
        int inFlight = plane.inFlight();
        boolean idle = plane.awaitIdle(Duration.ofNanos(s.timeoutNanos()));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (idle) {
            LOG.infof("Data plane drained in %d ms: listener closed, %d requests in flight finished, %d WebSockets"
                    + " closed (1001)", millis, inFlight, tunnels);
        } else {
            LOG.warnf("Data plane: %d requests still in flight after lb.shutdown.timeout=%s; they are cut",
                    plane.inFlight(), Durations.format(s.timeoutNanos()));
        }
    }

    void onDelay(@Observes ShutdownDelayInitiatedEvent event) {
        stopping = true;
        LOG.infof("Readiness is DOWN; lb.shutdown.drain-delay=%s before the data plane stops accepting",
                Durations.format(settings.drainDelayNanos()));
    }
}
