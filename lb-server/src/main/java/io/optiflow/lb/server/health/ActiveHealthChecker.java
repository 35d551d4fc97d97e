package io.optiflow.lb.server.health;

import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.ServicePool;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Active health checks: every backend of every service with checks enabled gets {@code GET <health.path>} every
 * {@code health.interval} (a Vert.x timer per service); 2xx/3xx passes. The result goes to
 * {@link ServicePool#reportActiveCheck}, which counts rise/fall.
 *
 * <p>Each check runs through a SmallRye Fault Tolerance guard per backend: a timeout, and a circuit breaker that
 * stops probing a backend that keeps failing for a while (it then counts as failed without a connection attempt),
 * so a dead host is not hammered. Data-plane circuit breaking is the core's passive ejection instead, which is
 * lock-free and allocation-free on the request path, which a per-request guard would not be.
 */
@Singleton
public class ActiveHealthChecker {

    private static final Logger LOG = Logger.getLogger(ActiveHealthChecker.class);
    private static final TypeLiteral<CompletionStage<Boolean>> RESULT = new TypeLiteral<>() {
    };

    @Inject
    Vertx vertx;

    /** What checks one backend: where, and its guard. Keyed by {@code service/backend id}; dropped when it leaves. */
    private record Probe(String url, BackendSpec target, TypedGuard<CompletionStage<Boolean>> guard) {
    }

    private final ConcurrentHashMap<String, Probe> probes = new ConcurrentHashMap<>();
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
    private final List<Long> timers = new ArrayList<>();
    private HttpClient client;

    /** Starts checking; https:// backends are verified against {@code backendCaFile} (null: the JVM's CAs). */
    public synchronized void start(ControlPlane controlPlane, Path backendCaFile) {
        // A connection per check, as HAProxy does: nothing stays open to a backend that has left the pool, and a
        // check proves the backend still accepts connections. The TCP connect and the connection's silence are
        // bounded by the longest check timeout: without that, a connect the check had already given up on (a
        // backend slow to accept) completes later into the pool and, never used, stays open to a backend that may
        // have left (seen as hundreds of kept connections after a churn of 10,000 backends on a busy machine).
        long longest = 0;
        for (ServicePool pool : controlPlane.pools()) {
            if (pool.healthPolicy().activeEnabled()) {
                longest = Math.max(longest, pool.healthPolicy().timeoutNanos() / 1_000_000L);
            }
        }
        int boundMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1_000, longest));
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(false).setMaxPoolSize(2).setVerifyHost(true)
                .setForceSni(true).setConnectTimeout(boundMs)
                .setIdleTimeout(boundMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        if (backendCaFile != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(backendCaFile.toString()));
        }
        client = vertx.createHttpClient(options);
        for (ServicePool pool : controlPlane.pools()) {
            HealthPolicy policy = pool.healthPolicy();
            if (!policy.activeEnabled()) {
                continue;
            }
            long ms = Math.max(10, policy.intervalNanos() / 1_000_000L);
            timers.add(vertx.setPeriodic(ms, ms, t -> checkAll(pool)));
        }
    }

    public synchronized void stop() {
        for (long t : timers) {
            vertx.cancelTimer(t);
        }
        timers.clear();
        if (client != null) {
            client.close();
        }
    }

    private void checkAll(ServicePool pool) {
        HealthPolicy policy = pool.healthPolicy();
        String prefix = pool.name() + "/";
        Set<String> current = new HashSet<>();
        for (BackendView b : pool.view().backends()) {
            String key = prefix + b.id();
            current.add(key);
            if (!inProgress.add(key)) {
                continue; // the previous check is still running
            }
            Probe probe = probes.compute(key, (k, old) -> old != null && old.url().equals(b.url()) ? old
                    : new Probe(b.url(), BackendSpec.parse(b.url()), newGuard(k, policy)));
            CompletionStage<Boolean> result;
            try {
                result = probe.guard().call(() -> check(probe.target(), policy));
            } catch (Exception e) {
                result = CompletableFuture.failedFuture(e);
            }
            result.whenComplete((ok, err) -> {
                inProgress.remove(key);
                boolean passed = err == null && Boolean.TRUE.equals(ok);
                if (!passed) {
                    LOG.debugf("health check of %s failed: %s", key, err == null ? "bad status" : err.toString());
                }
                try {
                    pool.reportActiveCheck(b.id(), passed);
                } catch (RuntimeException e) {
                    LOG.debugf("health result of %s dropped: %s", key, e.getMessage()); // backend removed meanwhile
                }
            });
        }
        // The probes (guard, parsed target) of backends that left this service go with them.
        probes.keySet().removeIf(k -> k.startsWith(prefix) && !current.contains(k));
    }

    private static TypedGuard<CompletionStage<Boolean>> newGuard(String key, HealthPolicy policy) {
        long timeoutMs = Math.max(1, policy.timeoutNanos() / 1_000_000L);
        long delayMs = Math.max(1000, policy.intervalNanos() / 1_000_000L * 3);
        return TypedGuard.create(RESULT)
                .withDescription("health check " + key)
                .withTimeout().duration(timeoutMs, ChronoUnit.MILLIS).done()
                .withCircuitBreaker().requestVolumeThreshold(Math.max(4, policy.fall() * 2)).failureRatio(1.0)
                .delay(delayMs, ChronoUnit.MILLIS).successThreshold(1).done()
                .build();
    }

    private CompletionStage<Boolean> check(BackendSpec target, HealthPolicy policy) {
        long timeoutMs = Math.max(1, policy.timeoutNanos() / 1_000_000L);
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host())
                .setPort(target.port()).setSsl("https".equals(target.scheme())).setURI(policy.path())
                .setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs)
                .putHeader("user-agent", "optiflow-lb-health-check");
        return client.request(o)
                .compose(r -> r.send())
                .compose(resp -> resp.body().map(body -> resp.statusCode() >= 200 && resp.statusCode() < 400))
                .toCompletionStage();
    }
}
