package io.optiflow.lb.server.bootstrap;

import io.optiflow.lb.api.spi.Durations;
import io.optiflow.lb.server.config.InvalidConfigException;
import io.optiflow.lb.server.config.LbConfig;
import io.optiflow.lb.server.config.ShutdownSettings;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * SIGTERM starts an orderly stop that ends with exit code 0 (the JVM's own answer to SIGTERM is 143):
 * <ol>
 *   <li>readiness goes DOWN (Quarkus' shutdown readiness check) while both planes keep serving;</li>
 *   <li>{@code lb.shutdown.drain-delay} passes (Quarkus' shutdown delay, {@code quarkus.shutdown.delay}), so
 *       Kubernetes endpoints and load balancers in front stop sending;</li>
 *   <li>the data plane stops accepting and lets requests in flight finish, up to {@code lb.shutdown.timeout}
 *       ({@link io.optiflow.lb.server.proxy.ProxyServer} on the shutdown event);</li>
 *   <li>the process exits 0.</li>
 * </ol>
 */
@Singleton
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    @Inject
    LbConfig config;

    private volatile ShutdownSettings settings;

    void onStart(@Observes StartupEvent event) {
        try {
            settings = ShutdownSettings.from(config);
        } catch (InvalidConfigException e) {
            LOG.error(e.getMessage()); // said plainly before Quarkus' stack trace
            throw e;
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

    void onDelay(@Observes ShutdownDelayInitiatedEvent event) {
        LOG.infof("Readiness is DOWN; lb.shutdown.drain-delay=%s before the data plane stops accepting",
                Durations.format(settings.drainDelayNanos()));
    }
}
