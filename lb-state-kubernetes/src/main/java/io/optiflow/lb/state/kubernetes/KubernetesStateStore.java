package io.optiflow.lb.state.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.optiflow.lb.core.state.ReplicaCodec;
import io.optiflow.lb.core.state.ReplicaStatus;
import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StoreConflictException;
import io.optiflow.lb.core.state.StoreContext;
import io.optiflow.lb.core.state.StoreListener;
import io.optiflow.lb.core.state.StoreUnavailableException;
import io.optiflow.lb.core.state.StoredState;
import java.lang.System.Logger.Level;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The state in one ConfigMap: {@code state.json} (the document), {@code state.version} (a counter: the version a
 * compare-and-set compares), {@code audit.jsonl} (the newest entries, one a line), {@code replica.<id>}
 * (heartbeats). A state write reads the ConfigMap, compares {@code state.version}, and replaces it with optimistic
 * concurrency on its resourceVersion; when the API server answers 409 (a heartbeat came in between) it reads again
 * and retries while {@code state.version} is still the expected one. Heartbeats are JSON merge patches of their own
 * key, so they never conflict. Verbs used on the ConfigMap: get, list and watch (a watch on one name), update, patch,
 * and create when it does not exist yet (docs/cluster.md).
 *
 * <p>Threading: calls block for at most the configured timeout (the client's request timeout); watch events arrive
 * on the client's threads.
 */
final class KubernetesStateStore implements StateStore {

    static final String STATE = "state.json";
    static final String VERSION = "state.version";
    static final String AUDIT = "audit.jsonl";
    static final String REPLICA = "replica.";
    private static final System.Logger LOG = System.getLogger(KubernetesStateStore.class.getName());
    private static final int CONFLICT_RETRIES = 10;

    private final KubernetesSettings settings;
    private final StoreContext context;
    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService rewatch;
    private volatile Watch watch;
    private volatile boolean closed;

    KubernetesStateStore(KubernetesSettings settings, StoreContext context) {
        this.settings = settings;
        this.context = context;
        ConfigBuilder cb = new ConfigBuilder(settings.masterUrl() == null ? Config.autoConfigure(null)
                : new ConfigBuilder().withMasterUrl(settings.masterUrl()).build());
        int ms = (int) settings.timeout().toMillis();
        cb.withRequestTimeout(ms).withConnectionTimeout(ms).withRequestRetryBackoffLimit(0);
        if (settings.namespace() != null) {
            cb.withNamespace(settings.namespace());
        }
        Config config = cb.build();
        this.client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory())
                .build();
        this.namespace = config.getNamespace() == null ? "default" : config.getNamespace();
        this.rewatch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lb-state-kubernetes-rewatch");
            t.setDaemon(true);
            return t;
        });
    }

    private Resource<ConfigMap> resource() {
        return client.configMaps().inNamespace(namespace).withName(settings.configMap());
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public String describe() {
        return "ConfigMap " + namespace + "/" + settings.configMap() + " at " + client.getMasterUrl();
    }

    @Override
    public boolean isShared() {
        return true;
    }

    @Override
    public StoredState read() {
        return stateOf(get());
    }

    private ConfigMap get() {
        try {
            return resource().get();
        } catch (KubernetesClientException e) {
            throw unavailable("read", e);
        }
    }

    private static StoredState stateOf(ConfigMap cm) {
        Map<String, String> data = cm == null || cm.getData() == null ? Map.of() : cm.getData();
        String doc = data.get(STATE);
        if (doc == null) {
            return StoredState.ABSENT;
        }
        return new StoredState(doc.getBytes(StandardCharsets.UTF_8), data.getOrDefault(VERSION, "0"));
    }

    @Override
    public String write(String expectedVersion, byte[] document, String auditLine) {
        for (int attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
            ConfigMap cm = get();
            StoredState now = stateOf(cm);
            if (!now.version().equals(expectedVersion)) {
                throw new StoreConflictException(now);
            }
            String next = Long.toString(expectedVersion.isEmpty() ? 1 : Long.parseLong(expectedVersion) + 1);
            Map<String, String> data = new HashMap<>(cm == null || cm.getData() == null ? Map.of() : cm.getData());
            data.put(STATE, new String(document, StandardCharsets.UTF_8));
            data.put(VERSION, next);
            data.put(AUDIT, appendAudit(data.get(AUDIT), auditLine));
            try {
                if (cm == null) {
                    resource().create(new ConfigMapBuilder().withNewMetadata().withName(settings.configMap())
                            .withNamespace(namespace).endMetadata().withData(data).build());
                } else {
                    cm.setData(data); // keeps metadata.resourceVersion: the update is refused if it moved
                    client.configMaps().inNamespace(namespace).resource(cm).update();
                }
                return next;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw unavailable("write", e);
                }
                // someone else changed the ConfigMap (a heartbeat, or a state write): read again and compare
            }
        }
        throw new StoreUnavailableException(describe() + " kept changing: " + CONFLICT_RETRIES + " writes in a row"
                + " lost on resourceVersion", null);
    }

    private String appendAudit(String existing, String line) {
        List<String> lines = new ArrayList<>(existing == null || existing.isEmpty() ? List.of()
                : Arrays.asList(existing.split("\n")));
        lines.add(line);
        int from = Math.max(0, lines.size() - settings.auditEntries());
        return String.join("\n", lines.subList(from, lines.size())) + "\n";
    }

    @Override
    public List<String> auditLines(int limit) {
        ConfigMap cm = get();
        String text = cm == null || cm.getData() == null ? null : cm.getData().get(AUDIT);
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return List.copyOf(lines.subList(Math.max(0, lines.size() - limit), lines.size()));
    }

    @Override
    public void watch(StoreListener listener) {
        if (closed) {
            return;
        }
        try {
            watch = resource().watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, ConfigMap cm) {
                    if (action == Action.ADDED || action == Action.MODIFIED) {
                        StoredState s = stateOf(cm);
                        if (!s.isAbsent()) {
                            listener.changed(s);
                        }
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    LOG.log(Level.WARNING, "watch on " + describe() + " closed (" + cause + "); watching again in 1 s");
                    listener.watchLost(cause);
                    rewatch(listener);
                }
            });
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, "cannot watch " + describe() + " (" + e.getMessage() + "); trying again in 1 s");
            listener.watchLost(e);
            rewatch(listener);
        }
    }

    private void rewatch(StoreListener listener) {
        if (!closed) {
            rewatch.schedule(() -> watch(listener), 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void heartbeat(long revision) {
        ReplicaStatus me = new ReplicaStatus(context.replica().id(), context.replica().address(),
                context.clock().instant(), revision);
        patchReplica(me.id(), ReplicaCodec.encode(me));
    }

    private void patchReplica(String id, String valueOrNull) {
        Map<String, String> entry = new HashMap<>();
        entry.put(key(id), valueOrNull);
        String patch = "{\"data\":" + toJson(entry) + "}";
        try {
            resource().patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND && valueOrNull != null) {
                createEmpty();
                return;
            }
            throw unavailable("send a heartbeat to", e);
        }
    }

    private void createEmpty() {
        try {
            resource().create(new ConfigMapBuilder().withNewMetadata().withName(settings.configMap())
                    .withNamespace(namespace).endMetadata().withData(Map.of()).build());
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw unavailable("create", e);
            }
        }
    }

    private static String toJson(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(quote(e.getKey())).append(':').append(e.getValue() == null ? "null" : quote(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A ConfigMap key for a replica id: letters, digits, '-', '_' and '.' only. */
    static String key(String id) {
        return REPLICA + id.replaceAll("[^-._a-zA-Z0-9]", "_");
    }

    @Override
    public List<ReplicaStatus> replicas() {
        ConfigMap cm = get();
        List<ReplicaStatus> out = new ArrayList<>();
        if (cm != null && cm.getData() != null) {
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(cm.getData()).entrySet()) {
                if (e.getKey().startsWith(REPLICA)) {
                    try {
                        out.add(ReplicaCodec.decode(e.getValue()));
                    } catch (IllegalArgumentException ex) {
                        LOG.log(Level.WARNING, describe() + " key " + e.getKey() + ": " + ex.getMessage());
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void forget(String replicaId) {
        patchReplica(replicaId, null);
    }

    @Override
    public void close() {
        closed = true;
        rewatch.shutdownNow();
        Watch w = watch;
        if (w != null) {
            w.close();
        }
        client.close();
    }

    private StoreUnavailableException unavailable(String what, KubernetesClientException e) {
        String hint = e.getCode() == HttpURLConnection.HTTP_FORBIDDEN ? " (RBAC: the service account needs get, list,"
                + " watch, update, patch (and create while it does not exist) on this ConfigMap; docs/cluster.md)" : "";
        return new StoreUnavailableException("cannot " + what + " " + describe() + ": " + e.getMessage() + hint, e);
    }
}
