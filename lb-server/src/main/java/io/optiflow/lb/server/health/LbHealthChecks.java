package io.optiflow.lb.server.health;

import io.optiflow.lb.core.config.DiscoverySpec;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.control.DiscoveryStatus;
import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.server.bootstrap.ConfiguredServices;
import io.optiflow.lb.server.bootstrap.GracefulShutdown;
import io.optiflow.lb.server.config.LbConfig;
import io.optiflow.lb.server.config.ServiceSettings;
import io.optiflow.lb.server.proxy.ProxyServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** SmallRye Health checks at {@code /q/health/live} and {@code /q/health/ready}. */
public final class LbHealthChecks {

    private LbHealthChecks() {
    }

    /** UP while the data plane listens. */
    @Liveness
    @ApplicationScoped
    public static class DataPlaneLiveness implements HealthCheck {

        @Inject
        ProxyServer proxy;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("data-plane").status(proxy.isListening())
                    .withData("port", proxy.actualPort()).build();
        }
    }

    /**
     * Ready = this load balancer can serve: its control plane started (the producer starts it or start-up fails) and
     * its data plane listens, and no shutdown has begun. A service without a backend that can take traffic is named
     * under {@code no-healthy-backend} but does not make the LB unready: on Kubernetes that would take the whole LB
     * out of its Service and stop every other service too. {@code lb.health.ready-requires-backends=true} (one-service
     * deployments) makes it so, except for a registration-only service that has no member yet (its instances may
     * need this server ready to reach its admin API and register): named under {@code waiting-for-registrations}.
     * Discovery sources are detail too: a failing source keeps the last good set.
     */
    @Readiness
    @ApplicationScoped
    public static class LoadBalancerReadiness implements HealthCheck {

        @Inject
        ControlPlane controlPlane;

        @Inject
        ProxyServer proxy;

        @Inject
        GracefulShutdown shutdown;

        @Inject
        LbConfig config;

        @Inject
        ConfiguredServices configured;

        @Override
        public HealthCheckResponse call() {
            List<String> without = new ArrayList<>();
            List<String> waiting = new ArrayList<>();
            int services = 0;
            for (ServicePool pool : controlPlane.pools()) {
                services++;
                if (!pool.hasAvailableBackend()) {
                    (registrationOnly(pool.name()) && pool.view().backends().isEmpty() ? waiting : without)
                            .add(pool.name());
                }
            }
            boolean requiresBackends = config.readiness().requiresBackends();
            boolean stopping = shutdown.isStopping();
            boolean listening = proxy.isListening();
            boolean up = listening && !stopping && (!requiresBackends || without.isEmpty());
            HealthCheckResponseBuilder b = HealthCheckResponse.named("load-balancer").status(up)
                    .withData("data-plane", stopping ? "stopping" : listening ? "listening" : "not listening")
                    .withData("services", services)
                    .withData("ready-requires-backends", requiresBackends);
            if (!without.isEmpty()) {
                b.withData("no-healthy-backend", String.join(", ", without));
            }
            if (!waiting.isEmpty()) {
                b.withData("waiting-for-registrations", String.join(", ", waiting));
            }
            addDiscovery(b);
            return b.build();
        }

        private void addDiscovery(HealthCheckResponseBuilder b) {
            for (DiscoveryStatus d : controlPlane.discovery().statuses()) {
                b.withData("discovery." + d.service(), d.failing()
                        ? "failing (" + d.lastError() + "); keeping " + d.backends() + " backend(s), last success "
                        + (d.lastSuccess() == null ? "never" : d.lastSuccess().toString())
                        : d.lastSuccess() == null ? "waiting for a first answer"
                        : "ok, " + d.backends() + " backend(s), last success " + d.lastSuccess());
            }
        }

        private boolean registrationOnly(String service) {
            for (ServiceSettings s : configured.services()) {
                if (s.name().equals(service)) {
                    DiscoverySpec d = s.spec().discovery();
                    return d != null && !d.hasSource();
                }
            }
            return false;
        }
    }
}
