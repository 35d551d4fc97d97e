package io.optiflow.lb.core.state;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A shared store in memory, standing in for etcd in lb-core's tests of cluster logic (the real stores have their own
 * tests against real servers): compare-and-set on a version counter, watches delivered on a thread of its own, an
 * outage switch, and a pause of one replica's view of the store to stage a race deterministically.
 */
public final class MemoryStateServer implements AutoCloseable {

    private final Object lock = new Object();
    private final ExecutorService watchThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "memory-store-watch");
        t.setDaemon(true);
        return t;
    });
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final List<String> audit = new ArrayList<>(); // guarded by lock
    private final Map<String, ReplicaStatus> replicas = new TreeMap<>(); // guarded by lock
    private byte[] document; // guarded by lock
    private long version; // guarded by lock
    private volatile boolean down;

    /** A client for one replica. */
    public StateStore client(String replicaId, Clock clock) {
        Client c = new Client(replicaId, clock);
        clients.add(c);
        return c;
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    /**
     * Until {@link #resume}, {@code replicaId} hears of no other replica's write: watch events are held back and its
     * reads answer what the store held at the pause (its own writes excepted). Both are needed: a replica also reads
     * the whole state on its own (at start and every few seconds), and on a loaded machine that read can come after
     * the other replica's write. Its writes still compare-and-set against what the store really holds.
     */
    public void pause(String replicaId) {
        for (Client c : clients) {
            if (c.id.equals(replicaId)) {
                synchronized (lock) {
                    c.seen = current();
                    c.paused = true;
                }
            }
        }
    }

    public void resume(String replicaId) {
        for (Client c : clients) {
            if (c.id.equals(replicaId)) {
                StoredState now;
                synchronized (lock) {
                    c.paused = false;
                    c.seen = null;
                    now = current();
                }
                deliver(c, now);
            }
        }
    }

    public List<String> auditLines() {
        synchronized (lock) {
            return List.copyOf(audit);
        }
    }

    private StoredState current() {
        return document == null ? StoredState.ABSENT : new StoredState(document.clone(), Long.toString(version));
    }

    private void deliver(Client c, StoredState s) {
        StoreListener l = c.listener;
        if (l != null && !c.paused) {
            watchThread.execute(() -> {
                if (!c.paused) { // paused after it was queued: resume delivers the newest
                    l.changed(s);
                }
            });
        }
    }

    private void checkUp() {
        if (down) {
            throw new StoreUnavailableException("memory store is down (test)", null);
        }
    }

    @Override
    public void close() throws InterruptedException {
        watchThread.shutdownNow();
        watchThread.awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Client implements StateStore {
        final String id;
        final Clock clock;
        volatile StoreListener listener;
        volatile boolean paused;
        StoredState seen; // what a paused client reads; guarded by lock

        Client(String id, Clock clock) {
            this.id = id;
            this.clock = clock;
        }

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public String describe() {
            return "memory store (test)";
        }

        @Override
        public boolean isShared() {
            return true;
        }

        @Override
        public StoredState read() {
            checkUp();
            synchronized (lock) {
                return paused ? seen : current();
            }
        }

        @Override
        public String write(String expectedVersion, byte[] doc, String auditLine) {
            checkUp();
            StoredState now;
            synchronized (lock) {
                String have = document == null ? StoredState.ABSENT_VERSION : Long.toString(version);
                if (!have.equals(expectedVersion)) {
                    throw new StoreConflictException(current());
                }
                document = doc.clone();
                version++;
                audit.add(auditLine);
                now = current();
                if (paused) {
                    seen = now;
                }
            }
            for (Client c : clients) {
                deliver(c, now);
            }
            return now.version();
        }

        @Override
        public List<String> auditLines(int limit) {
            checkUp();
            synchronized (lock) {
                return List.copyOf(audit.subList(Math.max(0, audit.size() - limit), audit.size()));
            }
        }

        @Override
        public void watch(StoreListener l) {
            listener = l;
        }

        @Override
        public void heartbeat(long revision) {
            checkUp();
            synchronized (lock) {
                replicas.put(id, new ReplicaStatus(id, id + ".test:8080", clock.instant(), revision));
            }
        }

        @Override
        public List<ReplicaStatus> replicas() {
            checkUp();
            synchronized (lock) {
                return List.copyOf(replicas.values());
            }
        }

        @Override
        public void forget(String replicaId) {
            synchronized (lock) {
                replicas.remove(replicaId);
            }
        }

        @Override
        public void close() {
            listener = null;
        }
    }
}
