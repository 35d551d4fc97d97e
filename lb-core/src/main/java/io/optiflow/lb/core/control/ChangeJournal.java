package io.optiflow.lb.core.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one persistence-and-audit path every control-plane change goes through: it holds the saved runtime state
 * (the overrides), writes it before a change is acknowledged, appends the audit line, keeps the newest audit
 * entries in memory and tells listeners after the fact.
 *
 * <p>Threading: {@link #lock} serializes every change (the operations take it around validate-apply-commit);
 * {@link #state()} and {@link #commit} are called under it. Audit reads and listener calls take no change lock.
 */
final class ChangeJournal {

    /** Audit entries kept in memory (the file keeps all). */
    static final int AUDIT_MEMORY = 10_000;
    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    /** Held by every change from validation to commit. */
    final Object lock = new Object();

    private final ObjectMapper mapper;
    private final DataFolder folder;
    private final Clock clock;
    private final CopyOnWriteArrayList<Consumer<AuditEntry>> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<AuditEntry> auditLog = new ArrayDeque<>(); // guarded by itself
    private RuntimeState state = RuntimeState.EMPTY; // guarded by lock
    private boolean open; // guarded by lock

    ChangeJournal(Path dataDir, ObjectMapper mapper, Clock clock) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.folder = new DataFolder(dataDir, mapper);
    }

    /**
     * Creates the folder and reads the saved state and audit trail (they become current only on {@link #open}).
     *
     * @throws StateFileException when the state file is corrupt (the file stays as it is)
     */
    RuntimeState load() {
        folder.create();
        return folder.readState();
    }

    /** Makes {@code loaded} the current state and reads the audit trail; changes are accepted from now on. */
    void open(RuntimeState loaded) {
        ArrayDeque<AuditEntry> audit = folder.readAudit(AUDIT_MEMORY);
        synchronized (lock) {
            state = loaded;
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

    Path stateFile() {
        return folder.stateFile();
    }

    /** A new audit entry stamped now. */
    AuditEntry entry(String actor, String action, String target, String before, String after) {
        return new AuditEntry(clock.instant(), actor == null || actor.isBlank() ? "unknown" : actor, action, target,
                before, after);
    }

    /**
     * Applies a change, saves {@code next}, appends {@code entry}; on a failure to save or audit, undoes it and
     * throws {@link IllegalStateException}: nothing is acknowledged that is not on disk. Called under {@link #lock}.
     */
    void commit(RuntimeState next, AuditEntry entry, Runnable apply, Runnable undo) {
        if (!open) {
            throw new IllegalStateException("control plane is not running (not started or closed)");
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

    /** The newest {@code limit} audit entries, newest first. */
    List<AuditEntry> audit(int limit) {
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
}
