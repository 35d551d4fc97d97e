package io.optiflow.lb.core.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.control.RuntimeState.BackendOverride;
import io.optiflow.lb.core.control.RuntimeState.ServiceState;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.BackendEntry;
import io.optiflow.lb.core.pool.BackendView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Backend changes: add, re-weight / drain / disable / enable, reset to the configured values, remove. A configured
 * backend's changes are overrides (a removal too), a backend added at runtime is saved whole. Each change goes
 * through the {@link ChangeJournal}; a failure to save puts the backend back as it was.
 */
final class BackendOperations {

    private final ServiceTable services;
    private final ChangeJournal journal;
    private final ObjectMapper mapper;
    private final DiscoveryMembership discovery;

    BackendOperations(ServiceTable services, ChangeJournal journal, ObjectMapper mapper,
                      DiscoveryMembership discovery) {
        this.services = services;
        this.journal = journal;
        this.mapper = mapper;
        this.discovery = discovery;
    }

    BackendView add(String service, String url, Integer weight, String ifMatch, String actor) {
        AuditEntry entry;
        BackendView view;
        synchronized (journal.lock) {
            ManagedService svc = services.require(service);
            journal.expect(service, ifMatch);
            BackendSpec spec = parseNew(url, weight);
            String id = spec.id();
            if (svc.pool().backend(id).isPresent()) {
                throw new AdminException(AdminException.Kind.CONFLICT, "backend '" + id
                        + "' already exists in service '" + service
                        + "' (expected: a new host:port; change the existing one instead)");
            }
            RuntimeState state = journal.state();
            ServiceState st = state.service(service).withAdded(spec).withBackendOverride(id, null);
            BackendEntry e = entry(spec, true, null);
            entry = journal.entry(actor, "backend.add", service + "/" + id, null, json(e));
            journal.commit(service, state.with(service, st), entry, () -> svc.pool().putBackend(e),
                    () -> svc.pool().removeBackend(id));
            view = svc.pool().backendView(id).orElseThrow();
        }
        journal.published(entry);
        return view;
    }

    /** Changes weight and/or state (null leaves a field as it is). */
    BackendView update(String service, String backendId, Integer weight, AdminState adminState, String ifMatch,
                       String actor) {
        AuditEntry entry;
        BackendView view;
        synchronized (journal.lock) {
            ManagedService svc = services.require(service);
            journal.expect(service, ifMatch);
            BackendEntry current = existing(svc, backendId);
            if (weight != null) {
                checkWeight(weight);
            }
            RuntimeState state = journal.state();
            ServiceState st = state.service(service);
            BackendSpec base = baseSpec(svc, st, backendId, discovery);
            BackendOverride old = st.backends().get(backendId);
            Integer oldWeight = old == null ? null : old.weight();
            AdminState oldState = old == null ? null : old.state();
            // an override equal to the base value is no override: reset semantics stay simple
            Integer newWeight = weight == null ? oldWeight : weight == base.weight() ? null : weight;
            AdminState newState = adminState == null ? oldState
                    : adminState == AdminState.ENABLED ? null : adminState;
            if (Objects.equals(newWeight, oldWeight) && newState == oldState) {
                return svc.pool().backendView(backendId).orElseThrow();
            }
            BackendOverride next = new BackendOverride(newWeight, newState);
            entry = replace(svc, state.with(service, st.withBackendOverride(backendId, next)), "backend.update",
                    current, rebuilt(current, base, next), actor);
            view = svc.pool().backendView(backendId).orElseThrow();
        }
        journal.published(entry);
        return view;
    }

    /** Drops the weight and state overrides of a backend: back to its configured values. */
    BackendView reset(String service, String backendId, String ifMatch, String actor) {
        AuditEntry entry;
        BackendView view;
        synchronized (journal.lock) {
            ManagedService svc = services.require(service);
            journal.expect(service, ifMatch);
            BackendEntry current = existing(svc, backendId);
            RuntimeState state = journal.state();
            ServiceState st = state.service(service);
            if (!st.backends().containsKey(backendId)) {
                return svc.pool().backendView(backendId).orElseThrow();
            }
            entry = replace(svc, state.with(service, st.withBackendOverride(backendId, null)), "backend.reset",
                    current, rebuilt(current, baseSpec(svc, st, backendId, discovery), null), actor);
            view = svc.pool().backendView(backendId).orElseThrow();
        }
        journal.published(entry);
        return view;
    }

    /** Removes a backend (configured ones stay removed across restarts, as an override). */
    void remove(String service, String backendId, String ifMatch, String actor) {
        AuditEntry entry;
        synchronized (journal.lock) {
            ManagedService svc = services.require(service);
            journal.expect(service, ifMatch);
            BackendEntry current = existing(svc, backendId);
            if (!isRuntime(current) && !current.origin().equals(BackendEntry.ORIGIN_CONFIG)) {
                throw new AdminException(AdminException.Kind.CONFLICT, "backend '" + backendId + "' of service '"
                        + service + "' comes from " + current.origin() + " (expected: a config or runtime backend;"
                        + " drain it with PATCH state=DRAINING, which is kept by id, or remove it at its source"
                        + (current.origin().equals(BackendEntry.ORIGIN_REGISTRATION)
                        ? ": DELETE its registration)" : ")"));
            }
            RuntimeState state = journal.state();
            ServiceState st = state.service(service).withBackendOverride(backendId, null);
            if (st.added().containsKey(backendId)) {
                st = st.withoutAdded(backendId);
            }
            if (svc.configured().containsKey(backendId)) {
                st = st.withRemoved(backendId);
            }
            entry = journal.entry(actor, "backend.remove", service + "/" + backendId, json(current), null);
            journal.commit(service, state.with(service, st), entry,
                    () -> svc.pool().removeBackend(backendId),
                    () -> svc.pool().putBackend(current));
        }
        journal.published(entry);
    }

    /** Replaces a backend's entry in the pool and commits {@code next}; on a failure to save, puts it back. */
    private AuditEntry replace(ManagedService svc, RuntimeState next, String action, BackendEntry current,
                               BackendEntry replacement, String actor) {
        AuditEntry entry = journal.entry(actor, action, svc.name() + "/" + current.backend().id(), json(current),
                json(replacement));
        journal.commit(svc.name(), next, entry, () -> svc.pool().putBackend(replacement),
                () -> svc.pool().putBackend(current));
        return entry;
    }

    private static BackendEntry existing(ManagedService svc, String backendId) {
        return svc.pool().backend(backendId).orElseThrow(() -> ServiceTable.backendNotFound(svc.name(), backendId));
    }

    /** The pool entry for a base spec with its overrides applied. */
    static BackendEntry entry(BackendSpec base, boolean runtime, BackendOverride o) {
        return entry(base, runtime ? BackendEntry.ORIGIN_RUNTIME : BackendEntry.ORIGIN_CONFIG, Map.of(), o);
    }

    /** The pool entry of a backend from {@code origin} with its labels and overrides applied. */
    static BackendEntry entry(BackendSpec base, String origin, Map<String, String> labels, BackendOverride o) {
        Integer w = o == null ? null : o.weight();
        AdminState s = o == null ? null : o.state();
        Backend b = new Backend(base.id(), base.host(), base.port(), w == null ? base.weight() : w,
                withScheme(labels, base));
        return new BackendEntry(b, base.url(), origin, s == null ? AdminState.ENABLED : s, w != null, s != null);
    }

    /** {@code labels} plus the spec's own ({@code scheme=https} for an https:// backend). */
    private static Map<String, String> withScheme(Map<String, String> labels, BackendSpec base) {
        if (base.labels().isEmpty()) {
            return labels;
        }
        Map<String, String> all = new TreeMap<>(labels);
        all.putAll(base.labels());
        return all;
    }

    /** {@code current}'s entry rebuilt on {@code base} with overrides {@code o} (origin and labels kept). */
    private static BackendEntry rebuilt(BackendEntry current, BackendSpec base, BackendOverride o) {
        return entry(base, current.origin(), current.backend().labels(), o);
    }

    /** Parses a new backend's url and weight, reporting every bad field at once under the caller's field name. */
    private static BackendSpec parseNew(String url, Integer weight) {
        List<String> errors = new ArrayList<>();
        BackendSpec spec = null;
        try {
            spec = BackendSpec.parse(url);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            errors.add(m.startsWith("backend: ") ? "url: " + m.substring("backend: ".length()) : "url: " + m);
        }
        if (weight != null && (weight < Backend.MIN_WEIGHT || weight > Backend.MAX_WEIGHT)) {
            errors.add(weightError(weight));
        }
        if (!errors.isEmpty()) {
            throw new AdminException(AdminException.Kind.INVALID, errors);
        }
        if (weight != null) {
            return spec.withWeight(weight);
        }
        return url.contains(";weight=") ? spec : spec.withWeight(Backend.DEFAULT_WEIGHT);
    }

    private static void checkWeight(int weight) {
        if (weight < Backend.MIN_WEIGHT || weight > Backend.MAX_WEIGHT) {
            throw new AdminException(AdminException.Kind.INVALID, weightError(weight));
        }
    }

    private static String weightError(int weight) {
        return "weight: " + weight + " (expected: an integer from " + Backend.MIN_WEIGHT + " to "
                + Backend.MAX_WEIGHT + ")";
    }

    private static boolean isRuntime(BackendEntry e) {
        return e.origin().equals(BackendEntry.ORIGIN_RUNTIME);
    }

    /** The configured, added, registered or discovered spec a backend's overrides apply to. */
    private static BackendSpec baseSpec(ManagedService svc, ServiceState st, String id,
                                        DiscoveryMembership discovery) {
        BackendSpec added = st.added().get(id);
        if (added != null) {
            return added;
        }
        BackendSpec configured = svc.configured().get(id);
        if (configured != null) {
            return configured;
        }
        for (RuntimeState.Registration r : st.registrations().values()) {
            if (r.spec().id().equals(id)) {
                return r.spec();
            }
        }
        BackendSpec discovered = discovery.discoveredSpec(svc.name(), id);
        if (discovered == null) {
            throw new IllegalStateException("backend " + id + " is in the pool but neither configured, added,"
                    + " registered nor discovered");
        }
        return discovered;
    }

    private String json(BackendEntry e) {
        ObjectNode n = mapper.createObjectNode();
        n.put("url", e.url());
        n.put("weight", e.backend().weight());
        n.put("state", e.state().name());
        return n.toString();
    }
}
