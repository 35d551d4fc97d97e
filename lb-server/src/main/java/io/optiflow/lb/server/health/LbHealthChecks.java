package io.optiflow.lb.server.health;

import io.optiflow.lb.core.config.DiscoverySpec;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.control.DiscoveryStatus;
import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.server.bootstrap.ConfiguredServices;
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
     * DOWN while any service has no backend that can take traffic, naming those services; except a
     * registration-only service that has no member yet: its instances may not have started, and they may need this
     * server ready to reach its admin API and register.
     */
    @Readiness
    @ApplicationScoped
    public static class BackendsReadiness implements HealthCheck {

        @Inject
        ControlPlane controlPlane;

        @Inject
        ProxyServer proxy;

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
            HealthCheckResponseBuilder b = HealthCheckResponse.named("backends")
                    .status(without.isEmpty() && proxy.isListening()).withData("services", services);
            if (!without.isEmpty()) {
                b.withData("no-healthy-backend", String.join(", ", without));
            }
            if (!waiting.isEmpty()) {
                b.withData("waiting-for-registrations", String.join(", ", waiting));
            }
            // a failing source keeps the last good set, so it is a detail, not a reason to be unready
            for (DiscoveryStatus d : controlPlane.discovery().statuses()) {
                b.withData("discovery." + d.service(), d.failing()
                        ? "failing (" + d.lastError() + "); keeping " + d.backends() + " backend(s), last success "
                        + (d.lastSuccess() == null ? "never" : d.lastSuccess().toString())
                        : d.lastSuccess() == null ? "waiting for a first answer"
                        : "ok, " + d.backends() + " backend(s), last success " + d.lastSuccess());
            }
            return b.build();
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
