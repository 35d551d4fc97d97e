package io.optiflow.lb.core.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.DefaultServicePool;
import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.registry.StrategyRegistry;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The one place operator actions happen: the admin REST API and the dashboard are thin faces on it. Every change
 * is validated first (an invalid one throws {@link AdminException} and changes nothing), applied, written to the
 * data folder (temp file, fsync, atomic rename) and audited before the method returns. Runtime changes are
 * overrides on top of the static config; {@code reset*} drops them.
 *
 * <p>If saving the state or the audit line fails, the change is undone in memory and an
 * {@link IllegalStateException} (with the cause) is thrown: nothing is acknowledged that is not on disk.
 *
 * <p>This class is the facade; the work is split by concern: {@link ServiceFactory} validates the static config and
 * builds the pools, {@link StrategyOperations} and {@link BackendOperations} make the changes, and
 * {@link ChangeJournal} is the one persistence-and-audit path they share.
 *
 * <p>Threading: all methods are thread-safe; changes are serialized by one lock, which the request path never
 * takes (it reads each pool's volatile selector).
 */
public final class ControlPlane implements AutoCloseable {

    /** Audit entries kept in memory (the file keeps all). */
    public static final int AUDIT_MEMORY = ChangeJournal.AUDIT_MEMORY;
    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final Path dataDir;
    private final StrategyFactory strategyFactory;
    private final ServiceFactory serviceFactory;
    private final ServiceTable services = new ServiceTable();
    private final ChangeJournal journal;
    private final StrategyOperations strategyOps;
    private final BackendOperations backendOps;
    private final Object lifecycle = new Object();
    private boolean started; // guarded by lifecycle
    private boolean closed; // guarded by lifecycle

    /**
     * @param registry  strategies
     * @param dataDir   folder of {@code state.json} and {@code audit.jsonl} (created if absent)
     * @param ticker    monotonic clock for strategies and health
     * @param random    thread-safe random source for strategies
     * @param scheduler for strategies' and health's background work
     * @param clock     wall clock for audit timestamps
     */
    public ControlPlane(StrategyRegistry registry, Path dataDir, Ticker ticker, RandomSource random,
                        ScheduledExecutorService scheduler, Clock clock) {
        ObjectMapper mapper = new ObjectMapper();
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.strategyFactory = new StrategyFactory(registry);
        this.serviceFactory = new ServiceFactory(strategyFactory, ticker, random, scheduler);
        this.journal = new ChangeJournal(dataDir, mapper, clock);
        this.strategyOps = new StrategyOperations(services, strategyFactory, journal, mapper);
        this.backendOps = new BackendOperations(services, journal, mapper);
    }

    /**
     * Builds the pools of the static config with the saved overrides on top.
     *
     * @throws AdminException      (INVALID) when the static config is invalid (unknown strategy, bad strategy
     *                             config, duplicate backend), each error naming the service and key
     * @throws StateFileException  when a state file is corrupt
     */
    public void start(List<ServiceSpec> specs) {
        Objects.requireNonNull(specs, "services");
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException("control plane already " + (closed ? "closed" : "started"));
            }
            Map<String, Map<String, BackendSpec>> configured = serviceFactory.validate(specs);
            RuntimeState saved = journal.load(); // throws StateFileException; the file stays as it is
            services.publish(serviceFactory.buildAll(specs, configured, saved, journal.stateFile()));
            journal.open(saved);
            started = true;
            LOG.log(Level.INFO, "control plane started: " + specs.size() + " service(s), data folder " + dataDir);
        }
    }

    // ------------------------------------------------------------------ reads

    public List<StrategyDescriptor> strategies() {
        return strategyFactory.registry().strategies();
    }

    public Collection<ServicePool> pools() {
        return Collections.unmodifiableCollection(new ArrayList<ServicePool>(poolsTyped()));
    }

    /** The pools as their implementation (metrics and the dashboard read its stats). */
    public List<DefaultServicePool> poolsTyped() {
        List<DefaultServicePool> out = new ArrayList<>();
        for (ManagedService s : services.all()) {
            out.add(s.pool());
        }
        return out;
    }

    public Optional<ServicePool> pool(String service) {
        ManagedService s = services.find(service);
        return s == null ? Optional.empty() : Optional.of(s.pool());
    }

    public List<ServiceView> services() {
        List<ServiceView> out = new ArrayList<>();
        for (ManagedService s : services.all()) {
            out.add(s.pool().view());
        }
        return out;
    }

    /** @throws AdminException NOT_FOUND */
    public ServiceView service(String name) {
        return services.require(name).pool().view();
    }

    /** The view of one backend. @throws AdminException NOT_FOUND */
    public BackendView backend(String service, String backendId) {
        return services.require(service).pool().backendView(backendId)
                .orElseThrow(() -> ServiceTable.backendNotFound(service, backendId));
    }

    /** The newest {@code limit} audit entries, newest first. */
    public List<AuditEntry> audit(int limit) {
        return journal.audit(limit);
    }

    /** Current problems of the strategy registry (broken plug-ins). */
    public List<String> problems() {
        return strategyFactory.registry().problems();
    }

    /** The data folder. */
    public Path dataDir() {
        return dataDir;
    }

    // ------------------------------------------------------------------ changes

    /** Switches live: builds and validates the new strategy first, then swaps; in-flight counts carry over. */
    public ServiceView switchStrategy(String service, String strategy, Map<String, String> config, String actor) {
        return strategyOps.switchStrategy(service, strategy, config, actor);
    }

    /** Drops the strategy override: back to the configured strategy. */
    public ServiceView resetStrategy(String service, String actor) {
        return strategyOps.resetStrategy(service, actor);
    }

    /** @param weight null for the default weight (1) */
    public BackendView addBackend(String service, String url, Integer weight, String actor) {
        return backendOps.add(service, url, weight, actor);
    }

    /** Changes weight and/or state (null leaves a field as it is). */
    public BackendView updateBackend(String service, String backendId, Integer weight, AdminState adminState,
                                     String actor) {
        return backendOps.update(service, backendId, weight, adminState, actor);
    }

    /** Drops the weight and state overrides of a backend: back to its configured values. */
    public BackendView resetBackend(String service, String backendId, String actor) {
        return backendOps.reset(service, backendId, actor);
    }

    /** Removes a backend (configured ones stay removed across restarts, as an override). */
    public void removeBackend(String service, String backendId, String actor) {
        backendOps.remove(service, backendId, actor);
    }

    /**
     * Calls {@code listener} after every acknowledged change (outside the change lock, on the caller's thread).
     * Health and traffic changes are not control-plane changes: see {@link DefaultServicePool#addListener}.
     */
    public void addListener(Consumer<AuditEntry> listener) {
        journal.addListener(listener);
    }

    public void removeListener(Consumer<AuditEntry> listener) {
        journal.removeListener(listener);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            journal.close();
            for (ManagedService s : services.all()) {
                s.pool().close();
            }
        }
    }
}
