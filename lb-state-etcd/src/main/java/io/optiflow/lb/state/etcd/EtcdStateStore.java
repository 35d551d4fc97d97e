package io.optiflow.lb.state.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.optiflow.lb.core.state.ReplicaCodec;
import io.optiflow.lb.core.state.ReplicaStatus;
import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StoreConflictException;
import io.optiflow.lb.core.state.StoreContext;
import io.optiflow.lb.core.state.StoreListener;
import io.optiflow.lb.core.state.StoreUnavailableException;
import io.optiflow.lb.core.state.StoredState;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * The state in etcd v3, under {@code prefix}: {@code state} (the document; its mod revision is the version a
 * compare-and-set compares), {@code audit/<20-digit mod revision the change was based on>} (one entry per change,
 * written in the same transaction, so unique and in order), {@code replicas/<id>} (heartbeats). A watch on
 * {@code state} tells of changes; a watch that breaks is started again once etcd answers (checked each second).
 *
 * <p>Threading: calls block for at most the configured timeout; watch events arrive on jetcd's threads.
 */
final class EtcdStateStore implements StateStore {

    private static final System.Logger LOG = System.getLogger(EtcdStateStore.class.getName());
    private static final int AUDIT_DIGITS = 20;

    private final EtcdSettings settings;
    private final StoreContext context;
    private volatile Client client;
    private long rebuiltAtNanos; // guarded by this
    private final ByteSequence stateKey;
    private final String auditPrefix;
    private final String replicaPrefix;
    private final ScheduledExecutorService rewatch;
    private volatile Watch.Watcher watcher;
    private volatile Client watchClient;
    private volatile StoreListener watchListener;
    private final AtomicBoolean rewatching = new AtomicBoolean();
    private volatile boolean closed;

    EtcdStateStore(EtcdSettings settings, StoreContext context) {
        this.settings = settings;
        this.context = context;
        this.client = build(settings);
        this.stateKey = bytes(settings.prefix() + "state");
        this.auditPrefix = settings.prefix() + "audit/";
        this.replicaPrefix = settings.prefix() + "replicas/";
        this.rewatch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lb-state-etcd-rewatch");
            t.setDaemon(true);
            return t;
        });
    }

    private static Client build(EtcdSettings s) {
        ClientBuilder b = Client.builder().endpoints(s.endpoints().toArray(new URI[0]))
                .connectTimeout(s.timeout()).retryMaxDuration(s.timeout());
        if (s.user() != null) {
            b.user(bytes(s.user())).password(bytes(s.password()));
        }
        if (s.caFile() != null || s.certFile() != null) {
            try {
                b.sslContext(ssl -> {
                    if (s.caFile() != null) {
                        ssl.trustManager(s.caFile().toFile());
                    }
                    if (s.certFile() != null) {
                        ssl.keyManager(s.certFile().toFile(), s.keyFile().toFile());
                    }
                });
            } catch (SSLException e) {
                throw new IllegalArgumentException("lb.state.etcd.tls.*: cannot build a TLS context (" + e + ")", e);
            }
        }
        return b.build();
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public String describe() {
        return "etcd key " + settings.prefix() + "state at " + settings.endpoints();
    }

    @Override
    public boolean isShared() {
        return true;
    }

    @Override
    public StoredState read() {
        GetResponse r = await(kv().get(stateKey), "read the state");
        if (r.getKvs().isEmpty()) {
            return StoredState.ABSENT;
        }
        KeyValue v = r.getKvs().get(0);
        return new StoredState(v.getValue().getBytes(), Long.toString(v.getModRevision()));
    }

    @Override
    public String write(String expectedVersion, byte[] document, String auditLine) {
        long expected = expectedVersion.isEmpty() ? 0 : Long.parseLong(expectedVersion);
        Cmp unchanged = expected == 0 ? new Cmp(stateKey, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(stateKey, Cmp.Op.EQUAL, CmpTarget.modRevision(expected));
        ByteSequence auditKey = bytes(auditPrefix + String.format("%0" + AUDIT_DIGITS + "d", expected));
        TxnResponse r = await(kv().txn().If(unchanged)
                .Then(Op.put(stateKey, ByteSequence.from(document), PutOption.DEFAULT),
                        Op.put(auditKey, bytes(auditLine), PutOption.DEFAULT))
                .Else(Op.get(stateKey, GetOption.DEFAULT))
                .commit(), "write the state");
        if (r.isSucceeded()) {
            return Long.toString(r.getHeader().getRevision());
        }
        List<KeyValue> now = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
        throw new StoreConflictException(now.isEmpty() ? StoredState.ABSENT
                : new StoredState(now.get(0).getValue().getBytes(), Long.toString(now.get(0).getModRevision())));
    }

    @Override
    public List<String> auditLines(int limit) {
        GetResponse r = await(kv().get(bytes(auditPrefix), GetOption.builder().isPrefix(true).withLimit(limit)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND).build()),
                "read the audit trail");
        List<String> out = new ArrayList<>(r.getKvs().size());
        for (KeyValue v : r.getKvs()) {
            out.add(v.getValue().toString(StandardCharsets.UTF_8));
        }
        Collections.reverse(out);
        return out;
    }

    @Override
    public void watch(StoreListener listener) {
        if (closed) {
            return;
        }
        watchListener = listener;
        watch(listener, build(settings), 0); // a client of its own: a new one watches reliably after a break
    }

    /** Watches from {@code fromRevision} (0: from now), so that nothing after a state already read is missed. */
    private void watch(StoreListener listener, Client wc, long fromRevision) {
        watchClient = wc;
        WatchOption from = fromRevision > 0 ? WatchOption.builder().withRevision(fromRevision).build()
                : WatchOption.DEFAULT;
        watcher = wc.getWatchClient().watch(stateKey, from, Watch.listener(response -> {
            for (WatchEvent e : response.getEvents()) {
                if (e.getEventType() == WatchEvent.EventType.PUT) {
                    KeyValue v = e.getKeyValue();
                    listener.changed(new StoredState(v.getValue().getBytes(), Long.toString(v.getModRevision())));
                }
            }
        }, error -> {
            LOG.log(Level.WARNING, "etcd watch on " + stateKey + " failed (" + error + "); watching again in 1 s");
            listener.watchLost(error);
            rewatch(listener);
        }, () -> {
            listener.watchLost(null);
            rewatch(listener);
        }));
    }

    /** Closes the broken watch and starts a new one once etcd answers again (checked each second). */
    private void rewatch(StoreListener listener) {
        if (closed || !rewatching.compareAndSet(false, true)) {
            return;
        }
        closeWatch();
        rewatch.schedule(() -> {
            Client wc = null;
            try {
                wc = build(settings);
                GetResponse now = await(wc.getKVClient().get(stateKey), "check the connection", false);
                rewatching.set(false);
                // from just after what etcd answered: a write between this check and the watch is still heard
                watch(listener, wc, now.getHeader().getRevision() + 1);
                listener.watchLost(null); // events between the break and now: the listener reads the state again
            } catch (RuntimeException e) { // an exception here would end the retries silently: try again
                if (wc != null) {
                    closeQuietly(wc);
                }
                rewatching.set(false);
                rewatch(listener);
            }
        }, 1, TimeUnit.SECONDS);
    }

    private static void closeQuietly(Client c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing an etcd client that could not connect", e);
        }
    }

    private void closeWatch() {
        Watch.Watcher w = watcher;
        Client wc = watchClient;
        watcher = null;
        watchClient = null;
        try {
            if (w != null) {
                w.close();
            }
            if (wc != null) {
                wc.close();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing a broken etcd watch", e);
        }
    }

    @Override
    public void heartbeat(long revision) {
        ReplicaStatus me = new ReplicaStatus(context.replica().id(), context.replica().address(),
                context.clock().instant(), revision);
        await(kv().put(bytes(replicaPrefix + me.id()), bytes(ReplicaCodec.encode(me))), "send a heartbeat");
    }

    @Override
    public List<ReplicaStatus> replicas() {
        GetResponse r = await(kv().get(bytes(replicaPrefix), GetOption.builder().isPrefix(true).build()),
                "list the replicas");
        List<ReplicaStatus> out = new ArrayList<>();
        for (KeyValue v : r.getKvs()) {
            try {
                out.add(ReplicaCodec.decode(v.getValue().toString(StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "etcd key " + v.getKey() + ": " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void forget(String replicaId) {
        await(kv().delete(bytes(replicaPrefix + replicaId)), "forget replica " + replicaId);
    }

    @Override
    public void close() {
        closed = true;
        rewatch.shutdownNow();
        closeWatch();
        client.close();
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        return await(f, what, true);
    }

    /** Waits at most the timeout; a failure rebuilds the client (gRPC's reconnect back-off grows to minutes). */
    private <T> T await(CompletableFuture<T> f, String what, boolean rebuildOnFailure) {
        try {
            return f.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            if (rebuildOnFailure) {
                rebuild();
            }
            throw new StoreUnavailableException("etcd at " + settings.endpoints() + " did not answer within "
                    + settings.timeout().toMillis() + " ms to " + what, e);
        } catch (ExecutionException e) {
            if (rebuildOnFailure) {
                rebuild();
            }
            throw new StoreUnavailableException("etcd at " + settings.endpoints() + " failed to " + what + " ("
                    + e.getCause() + ")", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for etcd to " + what, e);
        }
    }

    /** A fresh client, at most once a second: the old one may be stuck in a long reconnect back-off. */
    private synchronized void rebuild() {
        long now = System.nanoTime();
        if (closed || now - rebuiltAtNanos < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        rebuiltAtNanos = now;
        Client old = client;
        client = build(settings);
        try {
            old.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing a failed etcd client", e);
        }
        StoreListener l = watchListener;
        if (l != null) {
            rewatch(l); // the watch stream may hang on silently: a new one once etcd answers
        }
    }

    private KV kv() {
        return client.getKVClient();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
