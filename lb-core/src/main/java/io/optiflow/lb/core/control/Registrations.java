package io.optiflow.lb.core.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.control.RuntimeState.Registration;
import io.optiflow.lb.core.control.RuntimeState.ServiceState;
import io.optiflow.lb.core.pool.BackendEntry;
import io.optiflow.lb.core.pool.DefaultServicePool;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Self-registration: an instance registers its URL with a TTL, renews before the TTL runs out, and deregisters when
 * it stops; one that stops renewing leaves when its TTL is over. Every step is a control-plane change: validated,
 * saved in the runtime state and audited before it is acknowledged (expiry too, by actor {@value #EXPIRY_ACTOR}).
 * A registered backend joins with slow start; one that leaves is drained, then dropped.
 *
 * <p>Threading: any thread; changes are serialized by the journal's lock. Expiry runs on the scheduler. With a
 * shared state store, a change overtaken by another replica's change to other services is tried again on the newer
 * state (as backend changes are); one to the same service is a conflict.
 */
public final class Registrations {

    /** The actor of expiry audit entries. */
    public static final String EXPIRY_ACTOR = "ttl";
    public static final long MIN_TTL_MILLIS = 1_000;
    public static final long MAX_TTL_MILLIS = 86_400_000;
    public static final long DEFAULT_TTL_MILLIS = 30_000;
    private static final long SWEEP_MILLIS = 250;
    private static final System.Logger LOG = System.getLogger(Registrations.class.getName());

    private final ServiceTable services;
    private final ChangeJournal journal;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final SecureRandom ids = new SecureRandom();
    private ScheduledFuture<?> sweep; // guarded by this

    Registrations(ServiceTable services, ChangeJournal journal, ObjectMapper mapper, Clock clock) {
        this.services = services;
        this.journal = journal;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** A registration and whether it was made now ({@code false}: the URL was registered already and is renewed). */
    public record Outcome(RegistrationView registration, boolean created) {
    }

    /**
     * Registers {@code url}; the same URL registered again renews its registration (an instance that restarted
     * and lost its id gets it back).
     *
     * @param weight    null for 1
     * @param ttlMillis null for {@value #DEFAULT_TTL_MILLIS}
     * @throws AdminException INVALID (bad url, weight or ttl), NOT_FOUND (service), CONFLICT (a backend of another
     *                        origin has that address)
     */
    public Outcome register(String service, String url, Integer weight, Long ttlMillis, String actor) {
        return journal.retrying(() -> registerOnce(service, url, weight, ttlMillis, actor));
    }

    private Outcome registerOnce(String service, String url, Integer weight, Long ttlMillis, String actor) {
        AuditEntry entry;
        Outcome out;
        synchronized (journal.lock) {
            ManagedService svc = services.require(service);
            BackendSpec spec = parse(url, weight, ttlMillis);
            long ttl = ttlMillis == null ? DEFAULT_TTL_MILLIS : ttlMillis;
            RuntimeState state = journal.state();
            ServiceState st = state.service(service);
            Optional<BackendEntry> existing = svc.pool().backend(spec.id());
            Registration same = byBackend(st, spec.id());
            boolean leavingRegistration = existing.isPresent() && svc.pool().isLeaving(spec.id())
                    && existing.get().origin().equals(BackendEntry.ORIGIN_REGISTRATION);
            if (existing.isPresent() && same == null && !leavingRegistration) {
                throw new AdminException(AdminException.Kind.CONFLICT, "url: " + spec.url() + " is already a "
                        + existing.get().origin() + " backend of service '" + service
                        + "' (expected: an address no other source lists)");
            }
            Instant now = clock.instant();
            if (same != null) {
                Registration r = new Registration(same.id(), spec, ttl, now.plusMillis(ttl));
                BackendEntry e = entryOf(st, r);
                BackendEntry before = existing.orElse(null);
                entry = journal.entry(actor, "registration.renew", target(service, r), json(same), json(r));
                journal.commit(service, state.with(service, st.withRegistration(r)), entry, () -> put(svc.pool(), e),
                        () -> undoPut(svc.pool(), before, e));
                out = new Outcome(RegistrationView.of(service, r), false);
            } else {
                Registration r = new Registration(newId(), spec, ttl, now.plusMillis(ttl));
                BackendEntry e = entryOf(st, r);
                entry = journal.entry(actor, "registration.add", target(service, r), null, json(r));
                BackendEntry before = existing.orElse(null);
                journal.commit(service, state.with(service, st.withRegistration(r)), entry, () -> put(svc.pool(), e),
                        () -> undoPut(svc.pool(), before, e));
                out = new Outcome(RegistrationView.of(service, r), true);
            }
        }
        journal.published(entry);
        return out;
    }

    /** Renews a registration for another TTL. @throws AdminException NOT_FOUND (service, or id: expired or never) */
    public RegistrationView renew(String service, String id, String actor) {
        return journal.retrying(() -> renewOnce(service, id, actor));
    }

    private RegistrationView renewOnce(String service, String id, String actor) {
        AuditEntry entry;
        Registration r;
        synchronized (journal.lock) {
            services.require(service);
            RuntimeState state = journal.state();
            ServiceState st = state.service(service);
            Registration old = require(service, st, id);
            r = old.renewed(clock.instant());
            entry = journal.entry(actor, "registration.renew", target(service, r), json(old), json(r));
            journal.commit(service, state.with(service, st.withRegistration(r)), entry, () -> { }, () -> { });
        }
        journal.published(entry);
        return RegistrationView.of(service, r);
    }

    /** Deregisters: the backend is drained (requests in flight finish), then dropped. @throws AdminException NOT_FOUND */
    public void deregister(String service, String id, String actor) {
        AuditEntry entry = remove(service, id, actor, "registration.remove");
        journal.published(entry);
    }

    /** The registrations of a service. @throws AdminException NOT_FOUND */
    public List<RegistrationView> list(String service) {
        synchronized (journal.lock) {
            services.require(service);
            List<RegistrationView> out = new ArrayList<>();
            for (Registration r : journal.state().service(service).registrations().values()) {
                out.add(RegistrationView.of(service, r));
            }
            return out;
        }
    }

    /** Removes every registration whose TTL is over (by the clock). Runs on the scheduler; tests call it. */
    public void expireDue() {
        List<String[]> due = new ArrayList<>();
        synchronized (journal.lock) {
            Instant now = clock.instant();
            for (Map.Entry<String, ServiceState> s : journal.state().services().entrySet()) {
                if (services.find(s.getKey()) == null) {
                    continue;
                }
                for (Registration r : s.getValue().registrations().values()) {
                    if (!r.expiresAt().isAfter(now)) {
                        due.add(new String[] {s.getKey(), r.id()});
                    }
                }
            }
        }
        for (String[] d : due) {
            try {
                AuditEntry entry = remove(d[0], d[1], EXPIRY_ACTOR, "registration.expire");
                LOG.log(Level.INFO, "service " + d[0] + ": registration " + d[1] + " (" + entry.target()
                        + ") expired; its backend is drained and dropped");
                journal.published(entry);
            } catch (AdminException e) {
                // renewed or removed meanwhile
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "service " + d[0] + ": expiring registration " + d[1] + " failed", e);
            }
        }
    }

    /** Starts the expiry sweep (every {@value #SWEEP_MILLIS} ms). */
    synchronized void start(ScheduledExecutorService scheduler) {
        if (sweep == null) {
            sweep = scheduler.scheduleWithFixedDelay(this::sweepQuietly, SWEEP_MILLIS, SWEEP_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    synchronized void stop() {
        if (sweep != null) {
            sweep.cancel(false);
        }
    }

    private void sweepQuietly() {
        try {
            expireDue();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "registration expiry failed", e);
        }
    }

    private AuditEntry remove(String service, String id, String actor, String action) {
        return journal.retrying(() -> removeOnce(service, id, actor, action));
    }

    private AuditEntry removeOnce(String service, String id, String actor, String action) {
        synchronized (journal.lock) {
            ManagedService svc = services.require(service);
            RuntimeState state = journal.state();
            ServiceState st = state.service(service);
            Registration r = require(service, st, id);
            if (action.equals("registration.expire") && r.expiresAt().isAfter(clock.instant())) {
                throw new AdminException(AdminException.Kind.CONFLICT, "renewed meanwhile");
            }
            DefaultServicePool pool = svc.pool();
            Optional<BackendEntry> before = pool.backend(r.spec().id());
            AuditEntry entry = journal.entry(actor, action, target(service, r), json(r), null);
            journal.commit(service, state.with(service, st.withoutRegistration(id)), entry,
                    () -> pool.applyMembership(List.of(), List.of(r.spec().id())),
                    () -> before.ifPresent(pool::putBackend));
            return entry;
        }
    }

    private static void put(DefaultServicePool pool, BackendEntry e) {
        pool.applyMembership(List.of(e), List.of());
    }

    private static void undoPut(DefaultServicePool pool, BackendEntry before, BackendEntry e) {
        if (before != null) {
            pool.putBackend(before);
        } else {
            pool.removeBackend(e.backend().id());
        }
    }

    private static BackendEntry entryOf(ServiceState st, Registration r) {
        return BackendOperations.entry(r.spec(), BackendEntry.ORIGIN_REGISTRATION, Map.of(),
                st.backends().get(r.spec().id()));
    }

    private static Registration byBackend(ServiceState st, String backendId) {
        for (Registration r : st.registrations().values()) {
            if (r.spec().id().equals(backendId)) {
                return r;
            }
        }
        return null;
    }

    private static Registration require(String service, ServiceState st, String id) {
        Registration r = st.registrations().get(id);
        if (r == null) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "registration '" + id + "' not found in service '"
                    + service + "' (expired, deregistered or never made; register again with POST)");
        }
        return r;
    }

    private static BackendSpec parse(String url, Integer weight, Long ttlMillis) {
        List<String> errors = new ArrayList<>();
        BackendSpec spec = null;
        try {
            spec = BackendSpec.parse(url);
            if (url.contains(";")) {
                errors.add("url: '" + url + "' (expected: http://host:port; give the weight as \"weight\")");
            }
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            errors.add(m.startsWith("backend: ") ? "url: " + m.substring("backend: ".length()) : "url: " + m);
        }
        if (weight != null && (weight < Backend.MIN_WEIGHT || weight > Backend.MAX_WEIGHT)) {
            errors.add("weight: " + weight + " (expected: an integer from " + Backend.MIN_WEIGHT + " to "
                    + Backend.MAX_WEIGHT + ")");
        }
        if (ttlMillis != null && (ttlMillis < MIN_TTL_MILLIS || ttlMillis > MAX_TTL_MILLIS)) {
            errors.add("ttl: " + ttlMillis + "ms (expected: from 1s to 24h, e.g. \"30s\")");
        }
        if (!errors.isEmpty()) {
            throw new AdminException(AdminException.Kind.INVALID, errors);
        }
        return spec.withWeight(weight == null ? Backend.DEFAULT_WEIGHT : weight);
    }

    private String newId() {
        byte[] b = new byte[8];
        ids.nextBytes(b);
        return "r-" + HexFormat.of().formatHex(b);
    }

    private static String target(String service, Registration r) {
        return service + "/" + r.spec().id();
    }

    private String json(Registration r) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", r.id());
        n.put("url", r.spec().url());
        n.put("weight", r.spec().weight());
        n.put("ttlMillis", r.ttlMillis());
        n.put("expiresAt", r.expiresAt().toString());
        return n.toString();
    }
}
