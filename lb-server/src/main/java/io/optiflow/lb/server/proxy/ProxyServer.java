package io.optiflow.lb.server.proxy;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.server.bootstrap.ConfiguredServices;
import io.optiflow.lb.server.config.ProxySettings;
import io.optiflow.lb.server.config.ServiceSettings;
import io.optiflow.lb.server.demo.DemoBackends;
import io.optiflow.lb.server.health.ActiveHealthChecker;
import io.optiflow.lb.server.metrics.LbMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The data plane: Vert.x HTTP servers (one per event loop, sharing the port) on {@code lb.proxy.port} that only
 * proxy, plus the background work around them (active health checks, metrics refresh, retry-budget decay,
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

    private volatile String deploymentId;
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
            routes.add(new ServiceRoute(s, pool, metrics.service(s.name()), now));
        }
        RoutingTable table = new RoutingTable(routes);
        int instances = p.instances();
        // Each event loop gets its own clients, so a backend connection lives on the event loop of the requests
        // that use it: no hand-over between threads (a task and a wake-up each way) on the request path. The
        // per-backend limit is for the whole load balancer, so it is split among the event loops.
        int perLoopMax = Math.max(1, (p.maxConnectionsPerBackend() + instances - 1) / instances);
        HttpClientOptions clientOptions = new HttpClientOptions()
                .setKeepAlive(true)
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) p.connectTimeoutMillis())
                .setKeepAliveTimeout(60)
                .setDecompressionSupported(false)
                .setMaxHeaderSize(Math.max(8192, p.maxHeaderSize() * 2))
                .setMaxInitialLineLength(Math.max(4096, p.maxInitialLineLength()));
        PoolOptions poolOptions = new PoolOptions().setHttp1MaxSize(perLoopMax).setMaxWaitQueueSize(-1);
        // Keep-alive on (so Vert.x adds no "Connection: close" to the handshake), but a pool of its own: an
        // upgraded connection is never handed to an ordinary request.
        HttpClientOptions upgradeOptions = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout((int) p.connectTimeoutMillis()).setDecompressionSupported(false);
        PoolOptions upgradePool = new PoolOptions().setHttp1MaxSize(100_000).setMaxWaitQueueSize(-1);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(p.host())
                .setPort(p.port())
                .setTcpNoDelay(true)
                .setMaxHeaderSize(p.maxHeaderSize())
                .setMaxInitialLineLength(p.maxInitialLineLength())
                .setHandle100ContinueAutomatically(false)
                .setDecompressionSupported(false)
                .setCompressionSupported(false)
                // WebSockets are tunnelled as bytes (toNetSocket), never handled by Vert.x itself: without these
                // Vert.x puts a WebSocket extension handler in every connection's pipeline, which inspects every
                // request and response (and could answer an extension offer the backend never made).
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setHttp2ClearTextEnabled(true);
        HttpServerOptions serverOptions = options;
        try {
            // A verticle per event loop; Vert.x shares the listening port among the instances of one deployment
            // (also the random one picked for lb.proxy.port=0).
            deploymentId = vertx.deployVerticle(() -> new AbstractVerticle() {
                private HttpClient client;
                private HttpClient upgradeClient;

                @Override
                public void start(Promise<Void> started) {
                    client = vertx.createHttpClient(clientOptions, poolOptions);
                    upgradeClient = vertx.createHttpClient(upgradeOptions, upgradePool);
                    ProxyHandler handler = new ProxyHandler(client, upgradeClient, table, p);
                    HttpServer server = vertx.createHttpServer(serverOptions).requestHandler(handler);
                    server.listen().onComplete(ar -> {
                        if (ar.succeeded()) {
                            actualPort = ar.result().actualPort();
                            started.complete();
                        } else {
                            started.fail(ar.cause());
                        }
                    });
                }

                @Override
                public void stop() {
                    client.close();
                    upgradeClient.close();
                }
            }, new DeploymentOptions().setInstances(instances))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on lb.proxy.host=" + p.host() + " lb.proxy.port="
                    + p.port() + " (is another program using the port?): " + rootMessage(e), e);
        }
        listening = true;
        healthChecker.start(controlPlane);
        metrics.refresh(controlPlane);
        housekeepingTimer = vertx.setPeriodic(1000, t -> {
            metrics.refresh(controlPlane);
            long n = System.nanoTime();
            for (ServiceRoute r : routes) {
                r.rateLimiter.evictIdle(n);
            }
        });
        decayTimer = vertx.setPeriodic(5000, t -> {
            for (ServiceRoute r : routes) {
                r.retryBudget.decay();
            }
        });
        LOG.infof("Data plane listening on http://%s:%d (%d services, %d event loops)", p.host(), actualPort,
                routes.size(), p.instances());
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
        if (deploymentId != null) {
            vertx.undeploy(deploymentId);
        }
    }

    /** The port the data plane listens on (the real one when {@code lb.proxy.port=0}); -1 before start. */
    public int actualPort() {
        return actualPort;
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
