package io.optiflow.lb.core.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.optiflow.lb.core.control.RuntimeState.ServiceState;
import io.optiflow.lb.core.state.LocalStateStore;
import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StoreConflictException;
import io.optiflow.lb.core.state.StoreUnavailableException;
import io.optiflow.lb.core.state.StoredState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one persistence-and-audit path every control-plane change goes through: it holds the runtime state (the
 * overrides) as last written to or read from the {@link StateStore}, writes each change there with compare-and-set
 * before it is acknowledged, keeps the newest audit entries in memory, adopts newer states other replicas wrote
 * (through {@link RemoteStateApplier}) and tells listeners after the fact.
 *
 * <p>Threading: {@link #lock} serializes every change, local or adopted (the operations take it around
 * validate-apply-commit); {@link #state()} and {@link #commit} are called under it. Audit reads and listener calls
 * take no change lock.
 */
final class ChangeJournal {

    /** Audit entries kept in memory (the store keeps all). */
    static final int AUDIT_MEMORY = 10_000;
    /** Tries of a change that another replica's change to other services overtook. */
    static final int STALE_TRIES = 3;
    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    /** Held by every change from validation to commit, and by every adoption of another replica's state. */
    final Object lock = new Object();

    private final ObjectMapper mapper;
    private final AuditCodec codec;
    private final StateStore store;
    private final String replicaId;
    private final Clock clock;
    private final StoreHealth health;
    private final CopyOnWriteArrayList<Consumer<AuditEntry>> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<AuditEntry> auditLog = new ArrayDeque<>(); // guarded by itself
    /** Other replicas' changes adopted by a failed write, told to listeners when the change is over. */
    private final List<AuditEntry> unpublished = new ArrayList<>(); // guarded by lock
    private RuntimeState state = RuntimeState.EMPTY; // guarded by lock
    private String version = StoredState.ABSENT_VERSION; // guarded by lock
    private volatile long revision; // written under lock
    private RemoteStateApplier applier; // guarded by lock
    private boolean open; // guarded by lock

    ChangeJournal(StateStore store, String replicaId, ObjectMapper mapper, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.replicaId = Objects.requireNonNull(replicaId, "replicaId");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.codec = new AuditCodec(mapper);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.health = new StoreHealth(clock, true);
    }

    StateStore store() {
        return store;
    }

    StoreHealth health() {
        return health;
    }

    String replicaId() {
        return replicaId;
    }

    /**
     * Reads the saved state (it becomes current only on {@link #open}). A shared store that can't be reached gives
     * the empty state and marks the store down: the replica starts on its static config and catches up later.
     *
     * @throws StateFileException when the stored document is corrupt (it stays as it is)
     */
    StateDocument load() {
        StoredState stored;
        try {
            stored = store.read();
        } catch (StoreUnavailableException e) {
            health.markDown(e.getMessage());
            LOG.log(Level.WARNING, "the state store (" + store.describe() + ") can't be reached at start (" + e
                    .getMessage() + "): starting on the static config; the stored state is applied when it answers");
            return StateDocument.EMPTY;
        } catch (UncheckedIOException e) {
            throw corrupt(e.getMessage(), e);
        }
        if (stored.isAbsent()) {
            synchronized (lock) {
                version = stored.version();
            }
            return StateDocument.EMPTY;
        }
        StateDocument doc;
        try {
            doc = StateDocument.decode(mapper, codec, stored.document());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw corrupt("not valid JSON (" + e.getOriginalMessage() + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")", e);
        } catch (IOException e) {
            throw corrupt("cannot read (" + e + ")", e);
        } catch (IllegalArgumentException e) {
            throw corrupt(e.getMessage(), e);
        }
        synchronized (lock) {
            version = stored.version();
        }
        return doc;
    }

    private StateFileException corrupt(String problem, Throwable cause) {
        if (store instanceof LocalStateStore local) {
            return new StateFileException(local.stateFile(), problem, cause);
        }
        return new StateFileException(store.describe(), problem, cause);
    }

    /** Where the state lives, for messages. */
    String where() {
        return store instanceof LocalStateStore local ? local.stateFile().toString() : store.describe();
    }

    /** Makes {@code loaded} current and reads the audit trail; changes are accepted from now on. */
    void open(StateDocument loaded, RemoteStateApplier remote) {
        ArrayDeque<AuditEntry> audit = new ArrayDeque<>();
        try {
            audit.addAll(parseAudit(store.auditLines(AUDIT_MEMORY)));
        } catch (StoreUnavailableException e) {
            LOG.log(Level.WARNING, "cannot read the audit trail from " + store.describe() + " (" + e.getMessage()
                    + "); starting with an empty one in memory");
        }
        synchronized (lock) {
            state = loaded.state();
            revision = loaded.revision();
            applier = remote;
            open = true;
        }
        synchronized (auditLog) {
            auditLog.clear();
            auditLog.addAll(audit);
        }
    }

    /** No change is accepted after this. */
    void close() {
        synchronized (lock) {
            open = false;
        }
    }

    /** The saved overrides. Called under {@link #lock}. */
    RuntimeState state() {
        return state;
    }

    /** The revision in force: counts acknowledged changes, cluster-wide. */
    long revision() {
        return revision;
    }

    /** A new audit entry stamped now, by this replica. */
    AuditEntry entry(String actor, String action, String target, String before, String after) {
        return new AuditEntry(clock.instant(), actor == null || actor.isBlank() ? "unknown" : actor, action, target,
                before, after, replicaId);
    }

    /**
     * The tag of a service's overrides as they are now: equal on every replica that has applied the same state.
     * Called under {@link #lock} or for a read that may be stale by one change.
     */
    String tag(String service) {
        ServiceState st = state.service(service);
        byte[] json = new RuntimeState(st.isEmpty() ? Map.of() : Map.of(service, st)).toJsonNode(mapper).toString()
                .getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Refuses the change when the caller based it on another state of the service. Called under {@link #lock}.
     *
     * @param ifMatch the tag the caller read, or null for no precondition
     * @throws AdminException CONFLICT
     */
    void expect(String service, String ifMatch) {
        if (ifMatch == null) {
            return;
        }
        String now = tag(service);
        if (!now.equals(ifMatch)) {
            throw new AdminException(AdminException.Kind.CONFLICT, service, "If-Match: '" + ifMatch + "' is not the"
                    + " state of service '" + service + "' any more (now '" + now + "', revision " + revision
                    + "): it was changed since you read it; nothing was changed (expected: read it again and retry)");
        }
    }

    /**
     * Applies a change of {@code service}, writes {@code next} and {@code entry} to the store (compare-and-set on the
     * version this replica applied last); on any failure undoes it. Called under {@link #lock}.
     *
     * @throws AdminException         UNAVAILABLE when the store can't be reached, CONFLICT when another replica
     *                                changed the same service first (its state is applied before this throws)
     * @throws StaleWriteException    when another replica changed only other services first: the newer state is
     *                                applied, and the same change may be tried again on it
     * @throws IllegalStateException  when the store failed otherwise: nothing is acknowledged that is not stored
     * @see #retrying
     */
    void commit(String service, RuntimeState next, AuditEntry entry, Runnable apply, Runnable undo) {
        if (!open) {
            throw new IllegalStateException("control plane is not running (not started or closed)");
        }
        if (!health.isUp()) {
            throw unavailable();
        }
        long nextRevision = revision + 1;
        // the change rides along for replicas that apply it; a data folder has its audit file for that
        byte[] doc = new StateDocument(next, nextRevision, store.isShared() ? entry : null).encode(mapper, codec);
        apply.run();
        String written;
        try {
            written = store.write(version, doc, codec.toLine(entry));
        } catch (StoreConflictException e) {
            undoQuietly(undo);
            ServiceState mine = state.service(service);
            AuditEntry theirs = adoptLocked(e.current());
            if (theirs != null) {
                unpublished.add(theirs);
            }
            if (theirs == null || !mine.equals(state.service(service))) {
                throw conflict(service, theirs);
            }
            throw new StaleWriteException();
        } catch (StoreUnavailableException e) {
            undoQuietly(undo);
            health.markDown(e.getMessage());
            throw unavailable();
        } catch (RuntimeException e) {
            undoQuietly(undo);
            throw new IllegalStateException(e.getMessage() + "; the change was undone", e);
        }
        state = next;
        version = written;
        revision = nextRevision;
        remember(entry);
    }

    /**
     * Runs a change (which takes {@link #lock} and calls {@link #commit}) and runs it again when another replica's
     * change to other services overtook it; then tells listeners of what a failed write adopted. Every change goes
     * through here; call it without holding {@link #lock}.
     *
     * @throws AdminException CONFLICT when other services kept changing for {@link #STALE_TRIES} tries
     */
    <T> T retrying(Supplier<T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return change.get();
            } catch (StaleWriteException e) {
                if (attempt >= STALE_TRIES) {
                    throw new AdminException(AdminException.Kind.CONFLICT, "the shared state kept changing on other"
                            + " replicas while this change was being made (" + attempt + " tries); nothing was changed"
                            + " (expected: retry)");
                }
            } finally {
                publishAdopted();
            }
        }
    }

    private void publishAdopted() {
        List<AuditEntry> adopted;
        synchronized (lock) {
            if (unpublished.isEmpty()) {
                return;
            }
            adopted = List.copyOf(unpublished);
            unpublished.clear();
        }
        adopted.forEach(this::published);
    }

    private AdminException unavailable() {
        return new AdminException(AdminException.Kind.UNAVAILABLE, "the shared state store (" + store.describe()
                + ") can't be reached since " + health.since() + " (" + health.problem() + "); this replica serves"
                + " with its last state (revision " + revision + ") and accepts no change until the store answers"
                + " again (expected: retry later)");
    }

    private AdminException conflict(String service, AuditEntry theirs) {
        String who = theirs == null ? "another replica"
                : "replica '" + theirs.replica() + "' (" + theirs.action() + " of " + theirs.target() + " by "
                        + theirs.actor() + ")";
        return new AdminException(AdminException.Kind.CONFLICT, service, "service '" + service + "' was changed by "
                + who + " while this change was being made; nothing was changed by this request, and the service now"
                + " has that replica's state (revision " + revision + ", tag '" + tag(service) + "') (expected: look at"
                + " the current value and retry)");
    }

    /**
     * Applies a state another replica wrote, if it is newer than the one in force, and tells listeners.
     *
     * @return whether it was applied
     */
    boolean adopt(StoredState stored) {
        AuditEntry change;
        boolean applied;
        synchronized (lock) {
            long before = revision;
            change = adoptLocked(stored);
            applied = revision != before;
        }
        if (change != null) {
            published(change);
        }
        return applied;
    }

    /** Under {@link #lock}: the change that made the adopted state, or null when nothing newer was adopted. */
    private AuditEntry adoptLocked(StoredState stored) {
        if (!open || stored.isAbsent()) {
            return null;
        }
        StateDocument doc;
        try {
            doc = StateDocument.decode(mapper, codec, stored.document());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "the state in " + store.describe() + " (version " + stored.version()
                    + ") is not valid and was not applied: " + e.getMessage());
            return null;
        }
        if (doc.revision() < revision) {
            return null;
        }
        if (doc.revision() == revision) {
            version = stored.version(); // our own write coming back, or the same state read again
            return null;
        }
        applier.apply(state, doc.state());
        LOG.log(Level.INFO, "applied state revision " + doc.revision() + " from " + store.describe()
                + (doc.change() == null ? "" : " (" + doc.change().action() + " of " + doc.change().target() + " on"
                + " replica " + doc.change().replica() + ")"));
        state = doc.state();
        version = stored.version();
        revision = doc.revision();
        AuditEntry change = doc.change() != null ? doc.change()
                : entry("unknown", "state.adopt", "*", null, "revision " + doc.revision());
        remember(change);
        return change;
    }

    private void remember(AuditEntry entry) {
        synchronized (auditLog) {
            auditLog.addLast(entry);
            while (auditLog.size() > AUDIT_MEMORY) {
                auditLog.removeFirst();
            }
        }
    }

    /**
     * The newest {@code limit} audit entries, newest first: a shared store's trail (every replica's changes), or what
     * this replica remembers when the store can't be reached.
     */
    List<AuditEntry> audit(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        if (store.isShared() && health.isUp()) {
            try {
                List<AuditEntry> all = parseAudit(store.auditLines(limit));
                List<AuditEntry> out = new ArrayList<>(all.size());
                for (int i = all.size() - 1; i >= 0; i--) {
                    out.add(all.get(i));
                }
                return out;
            } catch (StoreUnavailableException e) {
                LOG.log(Level.DEBUG, "audit read from memory: " + e.getMessage());
            }
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

    private List<AuditEntry> parseAudit(List<String> lines) {
        List<AuditEntry> out = new ArrayList<>(lines.size());
        int n = 0;
        for (String line : lines) {
            n++;
            try {
                out.add(codec.fromLine(line));
            } catch (IOException | RuntimeException ex) {
                LOG.log(Level.WARNING, store.describe() + ": audit entry " + n + " of " + lines.size() + " skipped:"
                        + " not an audit entry (" + ex.getMessage() + ")");
            }
        }
        return out;
    }

    void addListener(Consumer<AuditEntry> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void removeListener(Consumer<AuditEntry> listener) {
        listeners.remove(listener);
    }

    /** Tells every listener about an acknowledged change; call it outside {@link #lock}. */
    void published(AuditEntry entry) {
        for (Consumer<AuditEntry> l : listeners) {
            try {
                l.accept(entry);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a control-plane listener failed", e);
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

    /** Another replica changed other services first; the change may be tried again on the newer state. */
    static final class StaleWriteException extends RuntimeException {
        StaleWriteException() {
            super("the state changed on another replica (other services only)", null, false, false);
        }
    }
}
