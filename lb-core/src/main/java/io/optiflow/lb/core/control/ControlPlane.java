package io.optiflow.lb.core.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.control.RuntimeState.BackendOverride;
import io.optiflow.lb.core.control.RuntimeState.ServiceState;
import io.optiflow.lb.core.control.RuntimeState.StrategyOverride;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.BackendEntry;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.DefaultServicePool;
import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.core.pool.StrategyInstance;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.registry.StrategyRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The one place operator actions happen: the admin REST API and the dashboard are thin faces on it. Every change
 * is validated first (an invalid one throws {@link AdminException} and changes nothing), applied, written to the
 * data folder (temp file, fsync, atomic rename) and audited before the method returns. Runtime changes are
 * overrides on top of the static config; {@code reset*} drops them.
 *
 * <p>If saving the state or the audit line fails, the change is undone in memory and an
 * {@link IllegalStateException} (with the cause) is thrown: nothing is acknowledged that is not on disk.
 *
 * <p>Threading: all methods are thread-safe; changes are serialized by one lock, which the request path never
 * takes (it reads each pool's volatile selector).
 */
public final class ControlPlane implements AutoCloseable {

    /** Audit entries kept in memory (the file keeps all). */
    public static final int AUDIT_MEMORY = 10_000;
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9][a-z0-9-_.]*");
    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    /** One service: its static spec, configured backends by id, and its pool. */
    private record Svc(ServiceSpec spec, Map<String, BackendSpec> configured, DefaultServicePool pool,
                       StrategyContext context) {
    }

    private final StrategyRegistry registry;
    private final Path dataDir;
    private final Ticker ticker;
    private final RandomSource random;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();
    private final DataFolder folder;
    private final Object lock = new Object();
    private final CopyOnWriteArrayList<Consumer<AuditEntry>> listeners = new CopyOnWriteArrayList<>();

    private volatile Map<String, Svc> services = Map.of();
    private RuntimeState state = RuntimeState.EMPTY; // guarded by lock
    private final ArrayDeque<AuditEntry> auditLog = new ArrayDeque<>(); // guarded by itself
    private boolean started; // guarded by lock
    private boolean closed; // guarded by lock

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
        this.registry = Objects.requireNonNull(registry, "registry");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.random = Objects.requireNonNull(random, "random");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.folder = new DataFolder(dataDir, mapper);
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
        synchronized (lock) {
            if (started || closed) {
                throw new IllegalStateException("control plane already " + (closed ? "closed" : "started"));
            }
            List<String> errors = new ArrayList<>();
            Map<String, Map<String, BackendSpec>> configured = new TreeMap<>();
            for (ServiceSpec spec : specs) {
                validateSpec(spec, configured, errors);
            }
            if (!errors.isEmpty()) {
                throw new AdminException(AdminException.Kind.INVALID, errors);
            }
            folder.create();
            RuntimeState loaded = folder.readState(); // throws StateFileException; the file stays as it is
            ArrayDeque<AuditEntry> audit = folder.readAudit(AUDIT_MEMORY);
            for (String name : loaded.services().keySet()) {
                if (!configured.containsKey(name)) {
                    LOG.log(Level.WARNING, folder.stateFile() + ": service '" + name + "' is not configured any more;"
                            + " its overrides are ignored (and kept in the file)");
                }
            }
            Map<String, Svc> built = new LinkedHashMap<>();
            try {
                for (ServiceSpec spec : specs) {
                    built.put(spec.name(), buildService(spec, configured.get(spec.name()),
                            loaded.service(spec.name()), errors));
                }
            } catch (RuntimeException e) {
                built.values().forEach(s -> s.pool().close());
                throw e;
            }
            if (!errors.isEmpty()) { // a provider that parsed its config but failed to build
                built.values().forEach(s -> s.pool().close());
                throw new AdminException(AdminException.Kind.INVALID, errors);
            }
            state = loaded;
            synchronized (auditLog) {
                auditLog.clear();
                auditLog.addAll(audit);
            }
            services = Collections.unmodifiableMap(new TreeMap<>(built));
            started = true;
            LOG.log(Level.INFO, "control plane started: " + built.size() + " service(s), data folder " + dataDir);
        }
    }

    private void validateSpec(ServiceSpec spec, Map<String, Map<String, BackendSpec>> configured,
                              List<String> errors) {
        if (spec == null || spec.name() == null) {
            errors.add("lb.services: a service without a name (expected: a name like 'orders')");
            return;
        }
        String p = "lb.services." + spec.name();
        if (!SERVICE_NAME.matcher(spec.name()).matches()) {
            errors.add(p + ": service name '" + spec.name() + "' (expected: [a-z0-9][a-z0-9-_.]*)");
        }
        if (configured.containsKey(spec.name())) {
            errors.add(p + ": service configured twice (expected: unique service names)");
            return;
        }
        Map<String, BackendSpec> byId = new LinkedHashMap<>();
        if (spec.backends() == null) {
            errors.add(p + ".backends: missing (expected: a list of http://host:port, possibly empty)");
        } else {
            for (BackendSpec b : spec.backends()) {
                if (b == null) {
                    errors.add(p + ".backends: an empty entry (expected: http://host:port)");
                } else if (byId.putIfAbsent(b.id(), b) != null) {
                    errors.add(p + ".backends: duplicate backend id '" + b.id() + "' (" + byId.get(b.id()).url()
                            + " and " + b.url() + "; expected: each host:port once)");
                }
            }
        }
        configured.put(spec.name(), byId);
        if (spec.health() != null) {
            validateHealth(p + ".health.", spec.health(), errors);
        }
        String strategy = spec.strategy();
        Optional<StrategyProvider<?>> provider = strategy == null ? Optional.empty() : registry.find(strategy);
        if (provider.isEmpty()) {
            errors.add(p + ".strategy: '" + strategy + "' (expected: one of " + strategyNames() + ")");
        } else {
            errors.addAll(prefixed(p + ".strategy-config.", parseErrors(provider.get(), spec.strategyConfig())));
        }
    }

    private static void validateHealth(String p, HealthPolicy h, List<String> errors) {
        if (h.activeEnabled() && (h.path() == null || !h.path().startsWith("/"))) {
            errors.add(p + "path: '" + h.path() + "' (expected: a path starting with /)");
        }
        if (h.activeEnabled() && h.intervalNanos() <= 0) {
            errors.add(p + "interval: " + h.intervalNanos() + "ns (expected: > 0)");
        }
        if (h.activeEnabled() && h.timeoutNanos() <= 0) {
            errors.add(p + "timeout: " + h.timeoutNanos() + "ns (expected: > 0)");
        }
        if (h.rise() < 1) {
            errors.add(p + "rise: " + h.rise() + " (expected: >= 1)");
        }
        if (h.fall() < 1) {
            errors.add(p + "fall: " + h.fall() + " (expected: >= 1)");
        }
        if (h.consecutiveFailures() < 0) {
            errors.add(p + "consecutive-failures: " + h.consecutiveFailures() + " (expected: >= 0, 0 = off)");
        }
        if (h.consecutiveFailures() > 0 && h.baseEjectionNanos() <= 0) {
            errors.add(p + "base-ejection: " + h.baseEjectionNanos() + "ns (expected: > 0)");
        }
        if (h.consecutiveFailures() > 0 && h.maxEjectionNanos() < h.baseEjectionNanos()) {
            errors.add(p + "max-ejection: " + h.maxEjectionNanos() + "ns (expected: >= base-ejection, "
                    + h.baseEjectionNanos() + "ns)");
        }
        if (h.maxEjectedPercent() < 0 || h.maxEjectedPercent() > 100) {
            errors.add(p + "max-ejected-percent: " + h.maxEjectedPercent() + " (expected: 0..100)");
        }
    }

    private Svc buildService(ServiceSpec spec, Map<String, BackendSpec> configured, ServiceState st,
                             List<String> errors) {
        String name = spec.name();
        StrategyContext ctx = StrategyContext.of(name, ticker, random, scheduler);
        StrategyInstance instance = null;
        boolean overridden = false;
        StrategyOverride o = st.strategy();
        if (o != null) {
            List<String> overrideErrors = new ArrayList<>();
            instance = build(o.name(), o.config(), ctx, overrideErrors);
            if (instance == null) {
                LOG.log(Level.WARNING, folder.stateFile() + ": service '" + name + "': saved strategy override '"
                        + o.name() + "' cannot be used now (" + String.join("; ", overrideErrors) + "); using the"
                        + " configured strategy '" + spec.strategy() + "' (the override is kept in the file)");
            } else {
                overridden = true;
            }
        }
        if (instance == null) {
            List<String> buildErrors = new ArrayList<>();
            instance = build(spec.strategy(), spec.strategyConfig(), ctx, buildErrors);
            if (instance == null) {
                errors.addAll(prefixed("lb.services." + name + ".strategy: ", buildErrors));
                instance = new StrategyInstance(spec.strategy(), spec.strategyConfig(),
                        healthy -> io.optiflow.lb.api.spi.Picker.NO_BACKEND);
            }
        }
        for (String id : st.backends().keySet()) {
            if (!configured.containsKey(id) && !st.added().containsKey(id)) {
                LOG.log(Level.WARNING, folder.stateFile() + ": service '" + name + "': override for unknown backend '"
                        + id + "' ignored (kept in the file)");
            }
        }
        for (String id : st.removed()) {
            if (!configured.containsKey(id)) {
                LOG.log(Level.WARNING, folder.stateFile() + ": service '" + name + "': removed backend '" + id
                        + "' is not configured any more (kept in the file)");
            }
        }
        List<BackendEntry> entries = new ArrayList<>();
        Map<String, BackendSpec> bases = new TreeMap<>();
        for (BackendSpec b : configured.values()) {
            if (!st.removed().contains(b.id())) {
                bases.put(b.id(), b);
            }
        }
        bases.putAll(st.added()); // an added backend wins over a configured one of the same id
        for (BackendSpec b : bases.values()) {
            entries.add(entry(b, st.added().containsKey(b.id()), st.backends().get(b.id())));
        }
        HealthPolicy health = spec.health() == null ? HealthPolicy.defaults() : spec.health();
        DefaultServicePool pool = new DefaultServicePool(name, health, spec.strategy(), instance, overridden,
                entries, ticker, scheduler, scheduler);
        return new Svc(spec, configured, pool, ctx);
    }

    public List<StrategyDescriptor> strategies() {
        return registry.strategies();
    }

    public Collection<ServicePool> pools() {
        return Collections.unmodifiableCollection(new ArrayList<ServicePool>(poolsTyped()));
    }

    /** The pools as their implementation (metrics and the dashboard read its stats). */
    public List<DefaultServicePool> poolsTyped() {
        List<DefaultServicePool> out = new ArrayList<>();
        for (Svc s : services.values()) {
            out.add(s.pool());
        }
        return out;
    }

    public Optional<ServicePool> pool(String service) {
        Svc s = service == null ? null : services.get(service);
        return s == null ? Optional.empty() : Optional.of(s.pool());
    }

    public List<ServiceView> services() {
        List<ServiceView> out = new ArrayList<>();
        for (Svc s : services.values()) {
            out.add(s.pool().view());
        }
        return out;
    }

    /** @throws AdminException NOT_FOUND */
    public ServiceView service(String name) {
        return require(name).pool().view();
    }

    /** The view of one backend. @throws AdminException NOT_FOUND */
    public BackendView backend(String service, String backendId) {
        return require(service).pool().backendView(backendId).orElseThrow(() -> backendNotFound(service, backendId));
    }

    /** Switches live: builds and validates the new strategy first, then swaps; in-flight counts carry over. */
    public ServiceView switchStrategy(String service, String strategy, Map<String, String> config, String actor) {
        AuditEntry entry;
        ServiceView view;
        synchronized (lock) {
            Svc svc = require(service);
            Map<String, String> cfg = config == null ? Map.of() : new TreeMap<>(config);
            if (strategy == null || strategy.isBlank() || registry.find(strategy).isEmpty()) {
                throw new AdminException(AdminException.Kind.INVALID, "strategy: '" + strategy + "' (expected: one of "
                        + strategyNames() + ")");
            }
            List<String> errors = new ArrayList<>();
            StrategyInstance next = build(strategy, cfg, svc.context(), errors);
            if (next == null) {
                throw new AdminException(AdminException.Kind.INVALID, errors);
            }
            ServiceState st = state.service(service);
            StrategyInstance before = svc.pool().strategy();
            boolean beforeOverridden = svc.pool().strategyOverridden();
            RuntimeState after = state.with(service, st.withStrategy(new StrategyOverride(strategy, cfg)));
            entry = audit(actor, "strategy.switch", service, strategyJson(before.name(), before.config()),
                    strategyJson(strategy, next.config()));
            commit(after, entry, () -> applySwitch(svc, next, true),
                    () -> rebuildAndSwitch(svc, before.name(), before.config(), beforeOverridden));
            view = svc.pool().view();
        }
        notifyListeners(entry);
        return view;
    }

    /** Drops the strategy override: back to the configured strategy. */
    public ServiceView resetStrategy(String service, String actor) {
        AuditEntry entry;
        ServiceView view;
        synchronized (lock) {
            Svc svc = require(service);
            ServiceState st = state.service(service);
            if (st.strategy() == null) {
                return svc.pool().view(); // nothing overridden: nothing to do
            }
            ServiceSpec spec = svc.spec();
            StrategyInstance before = svc.pool().strategy();
            boolean beforeOverridden = svc.pool().strategyOverridden();
            RuntimeState after = state.with(service, st.withStrategy(null));
            entry = audit(actor, "strategy.reset", service, strategyJson(before.name(), before.config()),
                    strategyJson(spec.strategy(), spec.strategyConfig()));
            if (!beforeOverridden) {
                // the override was not in force (its plug-in is gone): only the file changes
                commit(after, entry, () -> { }, () -> { });
            } else {
                List<String> errors = new ArrayList<>();
                StrategyInstance next = build(spec.strategy(), spec.strategyConfig(), svc.context(), errors);
                if (next == null) {
                    throw new AdminException(AdminException.Kind.INVALID, prefixed("configured strategy: ", errors));
                }
                commit(after, entry, () -> applySwitch(svc, next, false),
                        () -> rebuildAndSwitch(svc, before.name(), before.config(), true));
            }
            view = svc.pool().view();
        }
        notifyListeners(entry);
        return view;
    }

    /** @param weight null for the default weight (1) */
    public BackendView addBackend(String service, String url, Integer weight, String actor) {
        AuditEntry entry;
        BackendView view;
        synchronized (lock) {
            Svc svc = require(service);
            // Report every bad field at once, each under the name the caller used for it.
            List<String> errors = new ArrayList<>();
            BackendSpec spec = null;
            try {
                spec = BackendSpec.parse(url);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                errors.add(m.startsWith("backend: ") ? "url: " + m.substring("backend: ".length()) : "url: " + m);
            }
            if (weight != null && (weight < Backend.MIN_WEIGHT || weight > Backend.MAX_WEIGHT)) {
                errors.add("weight: " + weight + " (expected: an integer from " + Backend.MIN_WEIGHT + " to "
                        + Backend.MAX_WEIGHT + ")");
            }
            if (!errors.isEmpty()) {
                throw new AdminException(AdminException.Kind.INVALID, errors);
            }
            if (weight != null) {
                spec = spec.withWeight(weight);
            } else if (url != null && !url.contains(";weight=")) {
                spec = spec.withWeight(Backend.DEFAULT_WEIGHT);
            }
            String id = spec.id();
            if (svc.pool().backend(id).isPresent()) {
                throw new AdminException(AdminException.Kind.CONFLICT, "backend '" + id + "' already exists in service '"
                        + service + "' (expected: a new host:port; change the existing one instead)");
            }
            ServiceState st = state.service(service).withAdded(spec).withBackendOverride(id, null);
            BackendEntry e = entry(spec, true, null);
            entry = audit(actor, "backend.add", service + "/" + id, null, backendJson(e));
            commit(state.with(service, st), entry, () -> svc.pool().putBackend(e),
                    () -> svc.pool().removeBackend(id));
            view = svc.pool().backendView(id).orElseThrow();
        }
        notifyListeners(entry);
        return view;
    }

    /** Changes weight and/or state (null leaves a field as it is). */
    public BackendView updateBackend(String service, String backendId, Integer weight, AdminState adminState,
                                     String actor) {
        AuditEntry entry;
        BackendView view;
        synchronized (lock) {
            Svc svc = require(service);
            BackendEntry current = svc.pool().backend(backendId)
                    .orElseThrow(() -> backendNotFound(service, backendId));
            if (weight != null) {
                checkWeight(weight);
            }
            ServiceState st = state.service(service);
            BackendSpec base = baseSpec(svc, st, backendId);
            BackendOverride old = st.backends().get(backendId);
            Integer oldWeight = old == null ? null : old.weight();
            AdminState oldState = old == null ? null : old.state();
            // an override equal to the base value is no override: reset semantics stay simple
            Integer newWeight = weight == null ? oldWeight : weight == base.weight() ? null : weight;
            AdminState newState = adminState == null ? oldState : adminState == AdminState.ENABLED ? null : adminState;
            BackendOverride next = new BackendOverride(newWeight, newState);
            if (Objects.equals(newWeight, oldWeight) && newState == oldState) {
                return svc.pool().backendView(backendId).orElseThrow();
            }
            BackendEntry e = entry(base, current.origin().equals(BackendEntry.ORIGIN_RUNTIME), next);
            entry = audit(actor, "backend.update", service + "/" + backendId, backendJson(current), backendJson(e));
            commit(state.with(service, st.withBackendOverride(backendId, next)), entry,
                    () -> svc.pool().putBackend(e), () -> svc.pool().putBackend(current));
            view = svc.pool().backendView(backendId).orElseThrow();
        }
        notifyListeners(entry);
        return view;
    }

    /** Drops the weight and state overrides of a backend: back to its configured values. */
    public BackendView resetBackend(String service, String backendId, String actor) {
        AuditEntry entry;
        BackendView view;
        synchronized (lock) {
            Svc svc = require(service);
            BackendEntry current = svc.pool().backend(backendId)
                    .orElseThrow(() -> backendNotFound(service, backendId));
            ServiceState st = state.service(service);
            if (!st.backends().containsKey(backendId)) {
                return svc.pool().backendView(backendId).orElseThrow();
            }
            BackendSpec base = baseSpec(svc, st, backendId);
            BackendEntry e = entry(base, current.origin().equals(BackendEntry.ORIGIN_RUNTIME), null);
            entry = audit(actor, "backend.reset", service + "/" + backendId, backendJson(current), backendJson(e));
            commit(state.with(service, st.withBackendOverride(backendId, null)), entry,
                    () -> svc.pool().putBackend(e), () -> svc.pool().putBackend(current));
            view = svc.pool().backendView(backendId).orElseThrow();
        }
        notifyListeners(entry);
        return view;
    }

    /** Removes a backend (configured ones stay removed across restarts, as an override). */
    public void removeBackend(String service, String backendId, String actor) {
        AuditEntry entry;
        synchronized (lock) {
            Svc svc = require(service);
            BackendEntry current = svc.pool().backend(backendId)
                    .orElseThrow(() -> backendNotFound(service, backendId));
            ServiceState st = state.service(service).withBackendOverride(backendId, null);
            if (st.added().containsKey(backendId)) {
                st = st.withoutAdded(backendId);
            }
            if (svc.configured().containsKey(backendId)) {
                st = st.withRemoved(backendId);
            }
            entry = audit(actor, "backend.remove", service + "/" + backendId, backendJson(current), null);
            commit(state.with(service, st), entry, () -> svc.pool().removeBackend(backendId),
                    () -> svc.pool().putBackend(current));
        }
        notifyListeners(entry);
    }

    /** The newest {@code limit} audit entries, newest first. */
    public List<AuditEntry> audit(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        synchronized (auditLog) {
            List<AuditEntry> out = new ArrayList<>(Math.min(limit, auditLog.size()));
            Iterator<AuditEntry> it = auditLog.descendingIterator();
            while (it.hasNext() && out.size() < limit) {
                out.add(it.next());
            }
            return out;
        }
    }

    /**
     * Calls {@code listener} after every acknowledged change (outside the change lock, on the caller's thread).
     * Health and traffic changes are not control-plane changes: see {@link DefaultServicePool#addListener}.
     */
    public void addListener(Consumer<AuditEntry> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Consumer<AuditEntry> listener) {
        listeners.remove(listener);
    }

    /** Current problems of the strategy registry (broken plug-ins). */
    public List<String> problems() {
        return registry.problems();
    }

    /** The data folder. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Svc s : services.values()) {
                s.pool().close();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Apply, save, audit; on a failure to save or audit, undo and throw. Called under {@code lock}. */
    private void commit(RuntimeState next, AuditEntry entry, Runnable apply, Runnable undo) {
        if (!started || closed) {
            throw new IllegalStateException("control plane is " + (closed ? "closed" : "not started"));
        }
        RuntimeState prev = state;
        apply.run();
        try {
            folder.writeState(next.toJson(mapper));
        } catch (IOException | RuntimeException e) {
            undoQuietly(undo);
            throw new IllegalStateException("cannot save runtime state to " + folder.stateFile().toAbsolutePath()
                    + " (" + e + "); the change was undone", e);
        }
        try {
            folder.appendAudit(entry);
        } catch (IOException | RuntimeException e) {
            undoQuietly(undo);
            try {
                folder.writeState(prev.toJson(mapper));
            } catch (IOException | RuntimeException e2) {
                e.addSuppressed(e2);
                LOG.log(Level.ERROR, "cannot restore " + folder.stateFile() + " after a failed audit write", e2);
            }
            throw new IllegalStateException("cannot append to audit trail " + folder.auditFile().toAbsolutePath()
                    + " (" + e + "); the change was undone", e);
        }
        state = next;
        synchronized (auditLog) {
            auditLog.addLast(entry);
            while (auditLog.size() > AUDIT_MEMORY) {
                auditLog.removeFirst();
            }
        }
    }

    private static void undoQuietly(Runnable undo) {
        try {
            undo.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "undoing a change that could not be saved failed", e);
        }
    }

    private void applySwitch(Svc svc, StrategyInstance next, boolean overridden) {
        try {
            svc.pool().switchStrategy(next, overridden);
        } catch (RuntimeException e) {
            closeQuietly(next);
            throw new AdminException(AdminException.Kind.INVALID, "strategy: '" + next.name()
                    + "' failed on its first update (" + e + ")");
        }
    }

    private void rebuildAndSwitch(Svc svc, String name, Map<String, String> config, boolean overridden) {
        List<String> errors = new ArrayList<>();
        StrategyInstance previous = build(name, config, svc.context(), errors);
        if (previous == null) {
            throw new IllegalStateException("cannot rebuild strategy " + name + ": " + errors);
        }
        svc.pool().switchStrategy(previous, overridden);
    }

    private static void closeQuietly(StrategyInstance instance) {
        try {
            instance.strategy().close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing strategy " + instance.name() + " failed", e);
        }
    }

    /** A new strategy, or null with the reasons in {@code errors}. */
    private StrategyInstance build(String name, Map<String, String> config, StrategyContext ctx,
                                   List<String> errors) {
        Optional<StrategyProvider<?>> p = name == null ? Optional.empty() : registry.find(name);
        if (p.isEmpty()) {
            errors.add("strategy: '" + name + "' is not available (expected: one of " + strategyNames() + ")");
            return null;
        }
        Strategy s = newStrategy(p.get(), config, ctx, errors);
        return s == null ? null : new StrategyInstance(name, config, s);
    }

    private static <C> Strategy newStrategy(StrategyProvider<C> p, Map<String, String> raw, StrategyContext ctx,
                                            List<String> errors) {
        ConfigResult<C> r;
        try {
            r = p.parseConfig(raw == null ? Map.of() : raw);
        } catch (RuntimeException e) { // the SPI says never; a plug-in may still
            errors.add("strategy '" + p.name() + "' failed to read its config (" + e + ")");
            return null;
        }
        if (r == null || !r.isValid()) {
            errors.addAll(r == null ? List.of("strategy '" + p.name() + "' returned no config") : r.errors());
            return null;
        }
        try {
            Strategy s = p.newStrategy(r.config(), ctx);
            if (s == null) {
                errors.add("strategy '" + p.name() + "' returned no strategy");
            }
            return s;
        } catch (RuntimeException e) {
            errors.add("strategy '" + p.name() + "' failed to start (" + e + ")");
            return null;
        }
    }

    private static List<String> parseErrors(StrategyProvider<?> p, Map<String, String> raw) {
        try {
            ConfigResult<?> r = p.parseConfig(raw == null ? Map.of() : raw);
            return r == null ? List.of("provider returned no result") : r.errors();
        } catch (RuntimeException e) {
            return List.of("provider failed to read the config (" + e + ")");
        }
    }

    private static List<String> prefixed(String prefix, List<String> errors) {
        List<String> out = new ArrayList<>(errors.size());
        for (String e : errors) {
            out.add(prefix + e);
        }
        return out;
    }

    private String strategyNames() {
        List<String> names = new ArrayList<>();
        for (StrategyDescriptor d : registry.strategies()) {
            names.add(d.name());
        }
        return names.isEmpty() ? "(none available)" : String.join(", ", names);
    }

    private Svc require(String service) {
        Svc s = service == null ? null : services.get(service);
        if (s == null) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "service '" + service + "' not found (expected: one of "
                    + String.join(", ", services.keySet()) + ")");
        }
        return s;
    }

    private static AdminException backendNotFound(String service, String id) {
        return new AdminException(AdminException.Kind.NOT_FOUND, "backend '" + id + "' not found in service '"
                + service + "'");
    }

    private static void checkWeight(int weight) {
        if (weight < Backend.MIN_WEIGHT || weight > Backend.MAX_WEIGHT) {
            throw new AdminException(AdminException.Kind.INVALID, "weight: " + weight + " (expected: an integer from "
                    + Backend.MIN_WEIGHT + " to " + Backend.MAX_WEIGHT + ")");
        }
    }

    /** The configured (or added) spec a backend's overrides apply to. */
    private static BackendSpec baseSpec(Svc svc, ServiceState st, String id) {
        BackendSpec added = st.added().get(id);
        if (added != null) {
            return added;
        }
        BackendSpec configured = svc.configured().get(id);
        if (configured == null) {
            throw new IllegalStateException("backend " + id + " is in the pool but neither configured nor added");
        }
        return configured;
    }

    private static BackendEntry entry(BackendSpec base, boolean runtime, BackendOverride o) {
        Integer w = o == null ? null : o.weight();
        AdminState s = o == null ? null : o.state();
        Backend b = new Backend(base.id(), base.host(), base.port(), w == null ? base.weight() : w, Map.of());
        return new BackendEntry(b, base.url(), runtime ? BackendEntry.ORIGIN_RUNTIME : BackendEntry.ORIGIN_CONFIG,
                s == null ? AdminState.ENABLED : s, w != null, s != null);
    }

    private AuditEntry audit(String actor, String action, String target, String before, String after) {
        return new AuditEntry(clock.instant(), actor == null || actor.isBlank() ? "unknown" : actor, action, target,
                before, after);
    }

    private String strategyJson(String name, Map<String, String> config) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", name);
        ObjectNode c = n.putObject("config");
        new TreeMap<>(config == null ? Map.<String, String>of() : config).forEach(c::put);
        return n.toString();
    }

    private String backendJson(BackendEntry e) {
        ObjectNode n = mapper.createObjectNode();
        n.put("url", e.url());
        n.put("weight", e.backend().weight());
        n.put("state", e.state().name());
        return n.toString();
    }

    private void notifyListeners(AuditEntry entry) {
        for (Consumer<AuditEntry> l : listeners) {
            try {
                l.accept(entry);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a control-plane listener failed", e);
            }
        }
    }
}
