package io.optiflow.lb.server.demo;

import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.server.config.LbConfig;
import io.optiflow.lb.server.config.ServiceSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The demo ({@code lb.demo.enabled=true}): three in-process backends on free loopback ports (the third ~30 ms
 * slower), a service {@code demo} over them, and a light synthetic load through the proxy port, so a newcomer sees
 * traffic flowing without any outside service.
 */
@Singleton
public class DemoBackends {

    public static final String SERVICE = "demo";
    static final long SLOW_MILLIS = 30;

    private static final Logger LOG = Logger.getLogger(DemoBackends.class);

    @Inject
    Vertx vertx;

    @Inject
    LbConfig config;

    private final List<HttpServer> servers = new ArrayList<>();
    private HttpClient loadClient;
    private long loadTimer = -1;
    private volatile String pathPrefix = "/";

    /**
     * Starts the three backends and returns the demo service over them.
     *
     * @param alone whether the demo is the only service (then it serves every path, else {@code /demo})
     */
    public ServiceSettings startBackends(StrategyRegistry registry, boolean alone) {
        List<BackendSpec> backends = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int n = i;
            long delay = i == 3 ? SLOW_MILLIS : 0;
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(req -> {
                        String body = "hello from demo backend " + n + (delay > 0 ? " (the slow one)" : "") + "\n";
                        if (delay == 0) {
                            req.response().putHeader("content-type", "text/plain").end(body);
                        } else {
                            vertx.setTimer(delay, t -> req.response().putHeader("content-type", "text/plain").end(body));
                        }
                    });
            try {
                server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("demo: cannot start backend " + n + " on 127.0.0.1: " + e, e);
            }
            servers.add(server);
            backends.add(BackendSpec.parse("http://127.0.0.1:" + server.actualPort()));
        }
        String strategy = registry.find("latency-weighted").isPresent() ? "latency-weighted" : "round-robin";
        HealthPolicy d = HealthPolicy.defaults();
        HealthPolicy health = new HealthPolicy(true, "/", 2_000_000_000L, d.timeoutNanos(), d.rise(), d.fall(),
                d.consecutiveFailures(), 5_000_000_000L, 60_000_000_000L, d.maxEjectedPercent());
        pathPrefix = alone ? "/" : "/demo";
        ServiceSpec spec = new ServiceSpec(SERVICE, List.copyOf(backends), strategy, Map.of(), health);
        return new ServiceSettings(spec, null, pathPrefix, 30_000, 2, 20, 0, 1, 0, 1,
                ServiceSettings.HashKey.CLIENT_IP);
    }

    /** Starts the synthetic load through the proxy and says where to look. */
    public void startLoad(int proxyPort) {
        int rps = Math.max(1, Math.min(1000, config.demo().rps()));
        loadClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                .setPort(proxyPort).setURI(pathPrefix);
        loadTimer = vertx.setPeriodic(1000 / rps, t -> loadClient.request(options)
                .compose(r -> r.send().compose(resp -> resp.body()))
                .onFailure(e -> LOG.debugf("demo request failed: %s", e.getMessage())));
        int adminPort = ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(9090);
        LOG.infof("Demo running: %d req/s through the proxy at http://localhost:%d%s ; dashboard at "
                + "http://127.0.0.1:%d/services/demo ; admin API at http://127.0.0.1:%d/api/v1/services/demo , metrics"
                + " at http://127.0.0.1:%d/q/metrics", rps, proxyPort, pathPrefix, adminPort, adminPort, adminPort);
    }

    @PreDestroy
    void stop() {
        if (loadTimer >= 0) {
            vertx.cancelTimer(loadTimer);
        }
        if (loadClient != null) {
            loadClient.close();
        }
        for (HttpServer s : servers) {
            s.close();
        }
    }
}
