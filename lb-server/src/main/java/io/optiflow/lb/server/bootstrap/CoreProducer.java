package io.optiflow.lb.server.bootstrap;

import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.ThreadLocalRandomSource;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.control.AdminException;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.control.StateFileException;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StateStores;
import io.optiflow.lb.core.state.StoreContext;
import io.optiflow.lb.core.state.StoreContext.ReplicaIdentity;
import io.optiflow.lb.server.config.InvalidConfigException;
import io.optiflow.lb.server.config.LbConfig;
import io.optiflow.lb.server.config.ProxySettings;
import io.optiflow.lb.server.config.ServiceConfigs;
import io.optiflow.lb.server.config.ServiceSettings;
import io.optiflow.lb.server.demo.DemoBackends;
import io.quarkus.runtime.ImageMode;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Builds the core from the {@code lb.*} config: the strategy registry, the checked service settings and the
 * {@link ControlPlane}, started on them. Any config problem stops start-up with a message naming the key.
 * The ControlPlane is created when first injected; {@link io.optiflow.lb.server.proxy.ProxyServer} injects it at
 * start-up, so a bad config never waits for the first request to surface.
 */
@Singleton
public class CoreProducer {

    private static final Logger LOG = Logger.getLogger(CoreProducer.class);

    private final ScheduledExecutorService scheduler;

    @Inject
    LbConfig config;

    @Inject
    DemoBackends demo;

    public CoreProducer() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "lb-core-scheduler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
    }

    /** The scheduler strategies, the registry and health bookkeeping run on. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Produces
    @Singleton
    StrategyRegistry strategyRegistry() {
        boolean nativeImage = ImageMode.current() == ImageMode.NATIVE_RUN;
        Path plugins;
        try {
            plugins = PluginsFolder.forRegistry(config.plugins().dir(), nativeImage);
        } catch (InvalidConfigException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        if (nativeImage) {
            LOG.infof("Native image: strategies are the ones built in (no plug-ins folder; see %s)",
                    PluginsFolder.NATIVE_HOW_TO);
        }
        StrategyRegistry registry = StrategyRegistry.create(plugins);
        registry.start(scheduler);
        return registry;
    }

    void closeRegistry(@Disposes StrategyRegistry registry) {
        registry.close();
    }

    @Produces
    @Singleton
    ConfiguredServices configuredServices(StrategyRegistry registry) {
        try {
            return readServices(registry);
        } catch (InvalidConfigException e) {
            // Said plainly first; the stack trace Quarkus prints after it buries the message.
            LOG.error(e.getMessage());
            throw e;
        }
    }

    private ConfiguredServices readServices(StrategyRegistry registry) {
        ProxySettings proxy = ServiceConfigs.proxy(config);
        List<ServiceSettings> services = new ArrayList<>(ServiceConfigs.services(config, registry));
        if (config.demo().enabled()) {
            if (services.stream().anyMatch(s -> s.name().equals(DemoBackends.SERVICE))) {
                throw new InvalidConfigException(List.of("lb.services." + DemoBackends.SERVICE
                        + ": the name is taken by the demo (lb.demo.enabled=true); rename the service or turn the demo off"));
            }
            services.add(demo.startBackends(registry, services.isEmpty()));
        }
        if (services.isEmpty()) {
            LOG.warn("No service is configured (lb.services.<name>.backends): every data-plane request gets 404. "
                    + "Configure a service, or run with -Dlb.demo.enabled=true to see a demo.");
        }
        return new ConfiguredServices(List.copyOf(services), proxy);
    }

    @Produces
    @Singleton
    ControlPlane controlPlane(StrategyRegistry registry, ConfiguredServices configured) {
        Path dataDir = Path.of(config.data().dir());
        ReplicaIdentity replica = replicaIdentity();
        StateStore store = openStore(dataDir, replica);
        ControlPlane cp = new ControlPlane(registry, store, replica.id(), dataDir, Ticker.SYSTEM,
                ThreadLocalRandomSource.INSTANCE, scheduler, Clock.systemUTC());
        List<ServiceSpec> specs = new ArrayList<>();
        for (ServiceSettings s : configured.services()) {
            specs.add(s.spec());
        }
        try {
            cp.start(specs);
        } catch (AdminException e) {
            cp.close();
            // The core names service and key; say where to fix it.
            List<String> errors = new ArrayList<>();
            for (String err : e.errors()) {
                errors.add(err + " (in lb.services.*)");
            }
            InvalidConfigException ice = new InvalidConfigException(errors);
            LOG.error(ice.getMessage());
            throw ice;
        } catch (StateFileException e) {
            cp.close();
            LOG.error(e.getMessage());
            throw e;
        }
        return cp;
    }

    /** Opens the store {@code lb.state.store} names; a bad choice or setting stops start-up naming the key. */
    private StateStore openStore(Path dataDir, ReplicaIdentity replica) {
        String name = config.state().store();
        Map<String, String> settings = switch (name) {
            case "etcd" -> config.state().etcd();
            case "kubernetes" -> config.state().kubernetes();
            default -> Map.of();
        };
        List<String> errors = StateStores.configErrors(name, settings);
        if (!errors.isEmpty()) {
            InvalidConfigException ice = new InvalidConfigException(errors);
            LOG.error(ice.getMessage());
            throw ice;
        }
        return StateStores.open(name, new StoreContext(settings, dataDir, replica, Clock.systemUTC()));
    }

    private ReplicaIdentity replicaIdentity() {
        String host;
        String address;
        try {
            InetAddress local = InetAddress.getLocalHost();
            host = local.getHostName();
            address = local.getHostAddress();
        } catch (UnknownHostException e) {
            host = "localhost";
            address = "127.0.0.1";
        }
        String id = config.state().replicaId().orElse(host);
        return new ReplicaIdentity(id, config.state().replicaAddress().orElse(address + ":" + config.proxy().port()));
    }

    void closeControlPlane(@Disposes ControlPlane cp) {
        cp.close();
    }

    @PreDestroy
    void shutdown() {
        scheduler.shutdownNow();
    }
}
