package io.optiflow.lb.server.proxy;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.server.accesslog.AccessLog;
import io.optiflow.lb.server.bootstrap.ConfiguredServices;
import io.optiflow.lb.server.config.AccessLogSettings;
import io.optiflow.lb.server.config.InvalidConfigException;
import io.optiflow.lb.server.config.LbConfig;
import io.optiflow.lb.server.config.ProxySettings;
import io.optiflow.lb.server.config.ServiceSettings;
import io.optiflow.lb.server.demo.DemoBackends;
import io.optiflow.lb.server.health.ActiveHealthChecker;
import io.optiflow.lb.server.metrics.LbMetrics;
import io.optiflow.lb.server.ratelimit.ClusterRateLimits;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The data plane's place in the application: starts the {@link DataPlane} (Netty, on {@code lb.proxy.port}) that
 * only proxies, plus the background work around it (active health checks, metrics refresh, retry-budget decay,
 * idle rate-limit bucket eviction). Started at application start-up; a configuration error stops start-up.
 */
@Singleton
public class ProxyServer {

    private static final Logger LOG = Logger.getLogger(ProxyServer.class);

    @Inject
    Vertx vertx;

    @Inject
    ControlPlane controlPlane;

    @Inject
    ConfiguredServices configured;

    @Inject
    LbMetrics metrics;

    @Inject
    ActiveHealthChecker healthChecker;

    @Inject
    DemoBackends demo;

    @Inject
    ClusterRateLimits clusterLimits;

    @Inject
    LbConfig config;

    private volatile DataPlane dataPlane;
    private volatile AccessLog accessLog;
    private long housekeepingTimer = -1;
    private long decayTimer = -1;
    private volatile int actualPort = -1;
    private volatile boolean listening;

    void onStart(@Observes StartupEvent event) {
        ProxySettings p = configured.proxy();
        long now = System.nanoTime();
        List<ServiceRoute> routes = new ArrayList<>();
        for (ServiceSettings s : configured.services()) {
            ServicePool pool = controlPlane.pool(s.name()).orElseThrow(() -> new IllegalStateException(
                    "the control plane has no pool for configured service '" + s.name() + "'"));
            routes.add(new ServiceRoute(s, pool, metrics.service(s.name()), clusterLimits.limiter(s, now),
                    p.limits()));
        }
        RoutingTable table = new RoutingTable(routes);
        AccessLog log = openAccessLog();
        accessLog = log;
        DataPlane plane;
        try {
            plane = new DataPlane(p, table, log);
        } catch (IllegalArgumentException e) { // a TLS file that is not usable, named by its key
            closeAccessLog();
            LOG.error(e.getMessage());
            throw new InvalidConfigException(List.of(e.getMessage()));
        }
        try {
            actualPort = plane.start();
        } catch (Exception e) {
            plane.close(java.time.Duration.ofSeconds(1));
            closeAccessLog();
            throw new IllegalStateException("cannot listen on lb.proxy.host=" + p.host() + " lb.proxy.port="
                    + p.port() + " (is another program using the port?): " + rootMessage(e), e);
        }
        dataPlane = plane;
        listening = true;
        metrics.bindConnections(plane, DataPlane::openConnections, DataPlane::refusedConnections);
        if (log != null) {
            metrics.bindAccessLog(log, AccessLog::dropped);
            LOG.infof("Access log: one JSON line per finished request to %s (lb.access-log.path)", log.where());
        }
        for (ServiceRoute r : routes) {
            metrics.bindAdmission(r.name, r.admission, Admission::inFlight, Admission::queued, Admission::refused);
        }
        healthChecker.start(controlPlane, p.tls().backendCaFile());
        metrics.refresh(controlPlane);
        housekeepingTimer = vertx.setPeriodic(1000, t -> {
            metrics.refresh(controlPlane);
            long n = System.nanoTime();
            for (ServiceRoute r : routes) {
                r.rateLimiter.evictIdle(n);
            }
            plane.retainBackends(memberIds());
        });
        decayTimer = vertx.setPeriodic(5000, t -> {
            for (ServiceRoute r : routes) {
                r.retryBudget.decay();
            }
        });
        LOG.infof("Data plane listening on http://%s:%d (%d services, %d event loops)", p.host(), actualPort,
                routes.size(), p.instances());
        if (plane.tlsPort() > 0) {
            LOG.infof("Data plane listening on https://%s:%d (ALPN h2, http/1.1; TLS 1.3, 1.2; %d SNI certificate(s))",
                    p.host(), plane.tlsPort(), p.tls().sni().size());
        }
        if (p.byteForwarding()) {
            LOG.info("HTTP/1.1 request heads are forwarded as bytes where the byte path takes them"
                    + " (lb.proxy.byte-forwarding)");
        }
        if (configured.services().stream().anyMatch(s -> s.name().equals(DemoBackends.SERVICE))) {
            demo.startLoad(actualPort);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        listening = false;
        if (housekeepingTimer >= 0) {
            vertx.cancelTimer(housekeepingTimer);
            vertx.cancelTimer(decayTimer);
        }
        healthChecker.stop();
        DataPlane plane = dataPlane;
        if (plane != null) {
            plane.close(java.time.Duration.ofSeconds(5));
        }
        closeAccessLog(); // after the data plane: every request that ended is in the queue; it is written now
    }

    /** The access log when {@code lb.access-log.enabled}, opened; null when off. A bad path stops start-up. */
    private AccessLog openAccessLog() {
        try {
            AccessLogSettings s = AccessLogSettings.from(config);
            if (!s.enabled()) {
                return null;
            }
            try {
                return AccessLog.open(s);
            } catch (IOException | RuntimeException e) {
                throw new InvalidConfigException(List.of("lb.access-log.path: '" + s.path()
                        + "' cannot be opened for appending (" + e + "; expected: a file this process may write)"));
            }
        } catch (InvalidConfigException e) {
            LOG.error(e.getMessage()); // said plainly before Quarkus' stack trace
            throw e;
        }
    }

    private void closeAccessLog() {
        AccessLog log = accessLog;
        if (log != null) {
            accessLog = null;
            log.close(Duration.ofSeconds(5));
        }
    }

    /** The ids of every backend of every service now (off the request path: one view per service). */
    private Set<String> memberIds() {
        Set<String> ids = new HashSet<>();
        for (ServicePool pool : controlPlane.pools()) {
            for (BackendView b : pool.view().backends()) {
                ids.add(b.id());
            }
        }
        return ids;
    }

    /** The port the data plane listens on (the real one when {@code lb.proxy.port=0}); -1 before start. */
    public int actualPort() {
        return actualPort;
    }

    /**
     * The data plane, with the primitives of a graceful shutdown ({@link DataPlane#stopAccepting} and the rest);
     * null before start.
     */
    public DataPlane dataPlane() {
        return dataPlane;
    }

    /** Whether the data plane accepts connections. */
    public boolean isListening() {
        return listening;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.toString();
    }
}
