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
import io.optiflow.lb.core.state.LocalStateStoreProvider;
import io.optiflow.lb.core.state.ReplicaStatus;
import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StoreContext;
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
import java.util.function.Supplier;

/**
 * The one place operator actions happen: the admin REST API and the dashboard are thin faces on it. Every change
 * is validated first (an invalid one throws {@link AdminException} and changes nothing), applied, written to the
 * state store (the data folder by default: temp file, fsync, atomic rename) and audited before the method returns.
 * Runtime changes are overrides on top of the static config; {@code reset*} drops them.
 *
 * <p>If saving the state or the audit line fails, the change is undone in memory and an
 * {@link IllegalStateException} (with the cause) is thrown: nothing is acknowledged that is not stored.
 *
 * <p>Cluster mode: with a shared {@link StateStore} (etcd, Kubernetes) each change is a compare-and-set on the
 * state this replica applied last. Another replica's change to the same service first: {@link AdminException}
 * CONFLICT, with that state applied; to other services only: the change is made on top of it. Every change takes an
 * optional {@code ifMatch}, the {@link #stateTag} the caller read: a service changed since gives CONFLICT. The store
 * out of reach: UNAVAILABLE, and the replica keeps serving with its last state. Changes other replicas make are
 * applied through the same lock, by {@link RemoteStateApplier}.
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
    private final DiscoveryMembership discovery;
    private final Registrations registrations;
    private final ScheduledExecutorService scheduler;
    private final StoreSync sync;
    private final Object lifecycle = new Object();
    private boolean started; // guarded by lifecycle
    private boolean closed; // guarded by lifecycle

    /**
     * A control plane on the local data folder (one replica).
     *
     * @param registry  strategies
     * @param dataDir   folder of {@code state.json} and {@code audit.jsonl} (created if absent)
     * @param ticker    monotonic clock for strategies and health
     * @param random    thread-safe random source for strategies
     * @param scheduler for strategies' and health's background work
     * @param clock     wall clock for audit timestamps
     */
    public ControlPlane(StrategyRegistry registry, Path dataDir, Ticker ticker, RandomSource random,
                        ScheduledExecutorService scheduler, Clock clock) {
        this(registry, new LocalStateStoreProvider().open(new StoreContext(Map.of(), dataDir,
                new StoreContext.ReplicaIdentity("local", "local"), clock)), "local", dataDir, ticker, random,
                scheduler, clock);
    }

    /**
     * A control plane on a state store (see {@link io.optiflow.lb.core.state.StateStores}); it closes the store.
     *
     * @param replicaId this replica's id, written into each audit entry
     * @param dataDir   the data folder (for {@link #dataDir()})
     */
    public ControlPlane(StrategyRegistry registry, StateStore store, String replicaId, Path dataDir, Ticker ticker,
                        RandomSource random, ScheduledExecutorService scheduler, Clock clock) {
        ObjectMapper mapper = new ObjectMapper();
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.strategyFactory = new StrategyFactory(registry);
        this.serviceFactory = new ServiceFactory(strategyFactory, ticker, random, scheduler);
        this.journal = new ChangeJournal(store, replicaId, mapper, clock);
        this.strategyOps = new StrategyOperations(services, strategyFactory, journal, mapper);
        this.discovery = new DiscoveryMembership(services, journal, clock);
        this.backendOps = new BackendOperations(services, journal, mapper, discovery);
        this.registrations = new Registrations(services, journal, mapper, clock);
        this.scheduler = scheduler;
        this.sync = store.isShared() ? new StoreSync(journal, clock) : null;
    }

    /**
     * Builds the pools of the static config with the saved overrides on top.
     *
     * @throws AdminException      (INVALID) when the static config is invalid (unknown strategy, bad strategy
     *                             config, duplicate backend), each error naming the service and key
     * @throws StateFileException  when the stored state is corrupt
     */
    public void start(List<ServiceSpec> specs) {
        Objects.requireNonNull(specs, "services");
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException("control plane already " + (closed ? "closed" : "started"));
            }
            Map<String, Map<String, BackendSpec>> configured = serviceFactory.validate(specs);
            StateDocument saved = journal.load(); // throws StateFileException; the state stays as it is
            services.publish(serviceFactory.buildAll(specs, configured, saved.state(), journal.where()));
            journal.open(saved, new RemoteStateApplier(services, serviceFactory, journal.where()));
            discovery.init();
            registrations.start(scheduler);
            if (sync != null) {
                sync.start();
            }
            started = true;
            LOG.log(Level.INFO, "control plane started: " + specs.size() + " service(s), state in "
                    + journal.store().describe() + " at revision " + saved.revision() + ", replica "
                    + journal.replicaId());
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

    /** Where discovery sources feed their answers, and their status. */
    public DiscoveryMembership discovery() {
        return discovery;
    }

    /** Self-registration of instances (register, renew, deregister, expiry). */
    public Registrations registrations() {
        return registrations;
    }

    /** The state store as this replica sees it now. */
    public StateStatus stateStatus() {
        StateStore store = journal.store();
        StoreHealth h = journal.health();
        return new StateStatus(store.name(), store.describe(), store.isShared(), h.isUp(), h.since(), h.problem(),
                journal.revision(), journal.replicaId());
    }

    /**
     * The replicas sharing the state, as last heard from the store (each with the revision it has applied); with
     * the local store, this replica alone.
     */
    public List<ReplicaStatus> replicas() {
        if (sync == null) {
            return journal.store().replicas();
        }
        return sync.replicas();
    }

    /**
     * The tag of a service's runtime overrides: the same on every replica that applied the same state. Pass it as
     * {@code ifMatch} to make a change only if nobody changed the service since it was read.
     *
     * @throws AdminException NOT_FOUND
     */
    public String stateTag(String service) {
        services.require(service);
        synchronized (journal.lock) {
            return journal.tag(service);
        }
    }

    // ------------------------------------------------------------------ changes

    /** Switches live: builds and validates the new strategy first, then swaps; in-flight counts carry over. */
    public ServiceView switchStrategy(String service, String strategy, Map<String, String> config, String actor) {
        return switchStrategy(service, strategy, config, null, actor);
    }

    /** @param ifMatch the {@link #stateTag} the change is based on, or null */
    public ServiceView switchStrategy(String service, String strategy, Map<String, String> config, String ifMatch,
                                      String actor) {
        return retrying(() -> strategyOps.switchStrategy(service, strategy, config, ifMatch, actor));
    }

    /** Drops the strategy override: back to the configured strategy. */
    public ServiceView resetStrategy(String service, String actor) {
        return resetStrategy(service, null, actor);
    }

    /** @param ifMatch the {@link #stateTag} the change is based on, or null */
    public ServiceView resetStrategy(String service, String ifMatch, String actor) {
        return retrying(() -> strategyOps.resetStrategy(service, ifMatch, actor));
    }

    /** @param weight null for the default weight (1) */
    public BackendView addBackend(String service, String url, Integer weight, String actor) {
        return addBackend(service, url, weight, null, actor);
    }

    /** @param ifMatch the {@link #stateTag} the change is based on, or null */
    public BackendView addBackend(String service, String url, Integer weight, String ifMatch, String actor) {
        return retrying(() -> backendOps.add(service, url, weight, ifMatch, actor));
    }

    /** Changes weight and/or state (null leaves a field as it is). */
    public BackendView updateBackend(String service, String backendId, Integer weight, AdminState adminState,
                                     String actor) {
        return updateBackend(service, backendId, weight, adminState, null, actor);
    }

    /** @param ifMatch the {@link #stateTag} the change is based on, or null */
    public BackendView updateBackend(String service, String backendId, Integer weight, AdminState adminState,
                                     String ifMatch, String actor) {
        return retrying(() -> backendOps.update(service, backendId, weight, adminState, ifMatch, actor));
    }

    /** Drops the weight and state overrides of a backend: back to its configured values. */
    public BackendView resetBackend(String service, String backendId, String actor) {
        return resetBackend(service, backendId, null, actor);
    }

    /** @param ifMatch the {@link #stateTag} the change is based on, or null */
    public BackendView resetBackend(String service, String backendId, String ifMatch, String actor) {
        return retrying(() -> backendOps.reset(service, backendId, ifMatch, actor));
    }

    /** Removes a backend (configured ones stay removed across restarts, as an override). */
    public void removeBackend(String service, String backendId, String actor) {
        removeBackend(service, backendId, null, actor);
    }

    /** @param ifMatch the {@link #stateTag} the change is based on, or null */
    public void removeBackend(String service, String backendId, String ifMatch, String actor) {
        retrying(() -> {
            backendOps.remove(service, backendId, ifMatch, actor);
            return null;
        });
    }

    /** Runs a change again when another replica's change to other services overtook it (it is then applied). */
    private <T> T retrying(Supplier<T> change) {
        return journal.retrying(change);
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
            registrations.stop();
            if (sync != null) {
                sync.close();
            }
            journal.close();
            try {
                journal.store().close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing the state store failed", e);
            }
            for (ManagedService s : services.all()) {
                s.pool().close();
            }
        }
    }
}
