package io.optiflow.lb.core.control;

import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.DiscoveredBackend;
import io.optiflow.lb.core.config.DiscoverySpec;
import io.optiflow.lb.core.control.RuntimeState.ServiceState;
import io.optiflow.lb.core.pool.BackendEntry;
import io.optiflow.lb.core.pool.DefaultServicePool;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a discovery source feeds: each full answer becomes one pool update through the pool's single writer
 * ({@link DefaultServicePool#applyMembership}). Backends that appear join (with slow start, and with the weight and
 * state overrides saved for their id); backends that are gone are drained, then dropped. A backend another origin
 * already holds (config, runtime, registration) stays theirs. An empty answer is ignored (and reported) unless
 * {@code discovery.allow-empty=true}; a failure is recorded and the last good set stays.
 *
 * <p>Discovered membership is not saved (the source is asked again after a restart) and not audited (it is not an
 * operator's change); it is logged.
 *
 * <p>Threading: any thread (providers call from their own); updates are serialized with the control plane's
 * changes by the journal's lock.
 */
public final class DiscoveryMembership {

    private static final System.Logger LOG = System.getLogger(DiscoveryMembership.class.getName());

    private final ServiceTable services;
    private final ChangeJournal journal;
    private final Clock clock;
    /** The current answer of each service's source, by backend id. Guarded by the journal's lock. */
    private final Map<String, Map<String, DiscoveredBackend>> discovered = new TreeMap<>();
    private final ConcurrentHashMap<String, DiscoveryStatus> status = new ConcurrentHashMap<>();

    DiscoveryMembership(ServiceTable services, ChangeJournal journal, Clock clock) {
        this.services = services;
        this.journal = journal;
        this.clock = clock;
    }

    /** Makes a status entry for every service with a discovery source (called once the services are built). */
    void init() {
        for (ManagedService s : services.all()) {
            DiscoverySpec d = s.spec().discovery();
            if (d != null && d.hasSource()) {
                status.put(s.name(), new DiscoveryStatus(s.name(), d.type(), d.type(), null, null, null, 0, 0,
                        false));
            }
        }
    }

    /** Names what the source of {@code service} watches (shown with its status). */
    public void describe(String service, String source) {
        status.computeIfPresent(service, (k, v) -> v.describedAs(source));
    }

    /**
     * A full answer of the source of {@code service}.
     *
     * @throws AdminException NOT_FOUND for an unknown service
     * @throws IllegalArgumentException when the service has no discovery source
     */
    public void update(String service, List<DiscoveredBackend> answer) {
        synchronized (journal.lock) {
            ManagedService svc = services.require(service);
            DiscoverySpec d = discoverySpec(svc);
            Map<String, DiscoveredBackend> next = new LinkedHashMap<>();
            for (DiscoveredBackend b : answer) {
                if (next.putIfAbsent(b.id(), b) != null) {
                    LOG.log(Level.DEBUG, "service " + service + ": " + d.type() + " lists " + b.id() + " twice");
                }
            }
            if (next.isEmpty() && !d.allowEmpty()) {
                failed(service, "empty answer ignored: keeping the last " + current(service).size()
                        + " backend(s) (set discovery.allow-empty=true to let an empty answer empty the pool)");
                return;
            }
            apply(svc, d.type(), next);
            status.computeIfPresent(service, (k, v) -> v.succeeded(clock.instant(), next.size()));
        }
    }

    /** The source of {@code service} failed: the last good set stays; the failure is logged and counted. */
    public void failed(String service, String message) {
        LOG.log(Level.WARNING, "service " + service + ": discovery failed, keeping the last good set: " + message);
        status.computeIfPresent(service, (k, v) -> v.failed(clock.instant(), message));
    }

    /** The status of the source of {@code service}, if it has one. */
    public Optional<DiscoveryStatus> status(String service) {
        return Optional.ofNullable(status.get(service));
    }

    /** Every source's status, by service name. */
    public List<DiscoveryStatus> statuses() {
        return List.copyOf(new TreeMap<>(status).values());
    }

    /** The spec a discovered backend's overrides apply to, or null. Called under the journal's lock. */
    BackendSpec discoveredSpec(String service, String id) {
        DiscoveredBackend b = current(service).get(id);
        return b == null ? null : b.spec();
    }

    private Map<String, DiscoveredBackend> current(String service) {
        Map<String, DiscoveredBackend> m = discovered.get(service);
        return m == null ? Map.of() : m;
    }

    private static DiscoverySpec discoverySpec(ManagedService svc) {
        DiscoverySpec d = svc.spec().discovery();
        if (d == null || !d.hasSource()) {
            throw new IllegalArgumentException("service '" + svc.name() + "' has no discovery source");
        }
        return d;
    }

    private void apply(ManagedService svc, String origin, Map<String, DiscoveredBackend> next) {
        DefaultServicePool pool = svc.pool();
        ServiceState st = journal.state().service(svc.name());
        List<BackendEntry> put = new ArrayList<>();
        List<String> added = new ArrayList<>();
        Map<String, DiscoveredBackend> kept = new LinkedHashMap<>();
        for (DiscoveredBackend b : next.values()) {
            Optional<BackendEntry> current = pool.backend(b.id());
            if (current.isPresent() && !current.get().origin().equals(origin)) {
                LOG.log(Level.DEBUG, "service " + svc.name() + ": " + origin + " lists " + b.id() + ", which is a "
                        + current.get().origin() + " backend; it stays one");
                continue;
            }
            BackendEntry e = BackendOperations.entry(b.spec(), origin, b.labels(), st.backends().get(b.id()));
            if (current.isEmpty() || !current.get().equals(e) || pool.isLeaving(b.id())) {
                put.add(e);
                if (current.isEmpty() || pool.isLeaving(b.id())) {
                    added.add(b.id());
                }
            }
            kept.put(b.id(), b);
        }
        List<String> leave = new ArrayList<>();
        for (String id : current(svc.name()).keySet()) {
            if (!kept.containsKey(id) && pool.backend(id).map(e -> e.origin().equals(origin)).orElse(false)) {
                leave.add(id);
            }
        }
        if (!put.isEmpty() || !leave.isEmpty()) {
            pool.applyMembership(put, leave);
        }
        discovered.put(svc.name(), kept);
        if (!added.isEmpty() || !leave.isEmpty()) {
            LOG.log(Level.INFO, "service " + svc.name() + ": " + origin + " discovery: " + kept.size()
                    + " backend(s); joined " + added + ", leaving " + leave);
        }
    }
}
