package io.optiflow.lb.server.discovery;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.optiflow.lb.core.config.DiscoveredBackend;
import io.optiflow.lb.core.config.DiscoverySpec;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.control.DiscoveryMembership;
import io.optiflow.lb.core.control.DiscoveryStatus;
import io.optiflow.lb.discovery.DiscoveredInstance;
import io.optiflow.lb.discovery.DiscoveryContext;
import io.optiflow.lb.discovery.DiscoveryListener;
import io.optiflow.lb.discovery.DiscoveryProviders;
import io.optiflow.lb.discovery.ServiceDiscovery;
import io.optiflow.lb.server.bootstrap.ConfiguredServices;
import io.optiflow.lb.server.config.ServiceSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Starts each configured service's discovery source at start-up and feeds its answers to the control plane
 * ({@link DiscoveryMembership}); closes them at shutdown. Registers the discovery metrics
 * ({@code lb_discovery_errors_total}, {@code lb_discovery_last_success_seconds}).
 */
@Singleton
public class DiscoveryManager {

    private static final Logger LOG = Logger.getLogger(DiscoveryManager.class);

    @Inject
    ControlPlane control;

    @Inject
    ConfiguredServices configured;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    private final List<ServiceDiscovery> running = new ArrayList<>();

    synchronized void onStart(@Observes StartupEvent event) {
        DiscoveryProviders providers = DiscoveryProviders.load();
        for (String p : providers.problems()) {
            LOG.warn(p);
        }
        for (ServiceSettings s : configured.services()) {
            DiscoverySpec d = s.spec().discovery();
            if (d == null || !d.hasSource()) {
                continue;
            }
            String service = s.name();
            ServiceDiscovery source = providers.create(d.type(), providers.parse(d.type(), d.settings()).config(),
                    new DiscoveryContext(service, vertx));
            control.discovery().describe(service, source.describe());
            registerMeters(service, d.type());
            source.start(new Feed(control.discovery(), service));
            running.add(source);
            LOG.infof("service %s: %s discovery started (%s)", service, d.type(), source.describe());
        }
    }

    synchronized void onStop(@Observes ShutdownEvent event) {
        for (ServiceDiscovery s : running) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.debugf(e, "closing discovery %s failed", s.describe());
            }
        }
        running.clear();
    }

    private void registerMeters(String service, String type) {
        DiscoveryMembership m = control.discovery();
        FunctionCounter.builder("lb.discovery.errors", m, x -> x.status(service).map(DiscoveryStatus::errors)
                        .orElse(0L))
                .description("Failed, garbage or ignored empty answers of the service's discovery source")
                .tag("service", service).tag("type", type).register(registry);
        Gauge.builder("lb.discovery.last.success", m, x -> x.status(service).map(DiscoveryStatus::lastSuccess)
                        .map(i -> i.toEpochMilli() / 1000.0).orElse(0.0))
                .description("Unix time of the discovery source's last usable answer (0 = none yet)")
                .baseUnit("seconds").tag("service", service).tag("type", type).register(registry);
    }

    /** Turns a source's reports into control-plane calls; a failure there is logged, never thrown back. */
    private record Feed(DiscoveryMembership membership, String service) implements DiscoveryListener {

        @Override
        public void onInstances(List<DiscoveredInstance> instances) {
            List<DiscoveredBackend> backends = new ArrayList<>(instances.size());
            for (DiscoveredInstance i : instances) {
                backends.add(i.toBackend());
            }
            try {
                membership.update(service, backends);
            } catch (RuntimeException e) {
                LOG.warnf(e, "service %s: discovery answer not applied", service);
            }
        }

        @Override
        public void onError(String message) {
            membership.failed(service, message);
        }
    }
}
