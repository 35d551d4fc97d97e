package io.optiflow.lb.core.control;

import io.optiflow.lb.core.state.ReplicaStatus;
import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StoreListener;
import io.optiflow.lb.core.state.StoreUnavailableException;
import io.optiflow.lb.core.state.StoredState;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a replica in step with a shared store: applies what the store's watch reports, sends a heartbeat each
 * {@link #HEARTBEAT} (which is also how a lost store is noticed, and its return), reads the whole state again when
 * the store comes back, when the watch broke, and every {@link #RESYNC_EVERY} heartbeats in case a watch event was
 * missed, and keeps the replica list for the dashboard.
 *
 * <p>Threading: heartbeats and catch-ups run on one thread of its own; watch events on the store's thread; both
 * apply through {@link ChangeJournal#adopt}, under the journal's lock.
 */
final class StoreSync implements StoreListener, AutoCloseable {

    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final int RESYNC_EVERY = 10;
    /** A replica not heard of for this long is dropped from the list. */
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final ChangeJournal journal;
    private final StateStore store;
    private final StoreHealth health;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private volatile boolean catchUp = true;
    private volatile List<ReplicaStatus> replicas = List.of();
    private long ticks; // sync thread only

    StoreSync(ChangeJournal journal, Clock clock) {
        this.journal = journal;
        this.store = journal.store();
        this.health = journal.health();
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lb-state-sync");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        store.watch(this);
        thread.scheduleWithFixedDelay(this::tick, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The replicas as last listed (empty until the first heartbeat). */
    List<ReplicaStatus> replicas() {
        return replicas;
    }

    @Override
    public void changed(StoredState state) {
        try {
            journal.adopt(state);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "applying a state change from " + store.describe() + " failed", e);
            catchUp = true;
        }
    }

    @Override
    public void watchLost(Throwable cause) {
        catchUp = true;
    }

    private void tick() {
        try {
            store.heartbeat(journal.revision());
            boolean back = health.markUp();
            if (back || catchUp || ++ticks % RESYNC_EVERY == 0) {
                catchUp = false;
                journal.adopt(store.read());
            }
            if (back) {
                LOG.log(Level.INFO, "the state store (" + store.describe() + ") answers again; this replica is at"
                        + " revision " + journal.revision() + " and takes changes again");
            }
            replicas = list();
        } catch (StoreUnavailableException e) {
            catchUp = true;
            if (health.markDown(e.getMessage())) {
                LOG.log(Level.WARNING, "the state store (" + store.describe() + ") can't be reached (" + e.getMessage()
                        + "): serving with the last state (revision " + journal.revision() + "); admin changes are"
                        + " refused until it answers again");
            }
        } catch (RuntimeException e) {
            catchUp = true;
            LOG.log(Level.WARNING, "state store sync failed", e);
        }
    }

    private List<ReplicaStatus> list() {
        Instant horizon = clock.instant().minus(FORGET_AFTER);
        List<ReplicaStatus> out = new ArrayList<>();
        for (ReplicaStatus r : store.replicas()) {
            if (r.lastSeen().isBefore(horizon)) {
                store.forget(r.id());
            } else {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
