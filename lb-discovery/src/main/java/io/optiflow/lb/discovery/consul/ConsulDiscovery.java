package io.optiflow.lb.discovery.consul;

import io.optiflow.lb.discovery.DiscoveredInstance;
import io.optiflow.lb.discovery.DiscoveryContext;
import io.optiflow.lb.discovery.DiscoveryListener;
import io.optiflow.lb.discovery.ServiceDiscovery;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.ext.consul.BlockingQueryOptions;
import io.vertx.ext.consul.ConsulClient;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.ext.consul.ServiceEntry;
import io.vertx.ext.consul.ServiceEntryList;
import io.vertx.ext.consul.ServiceQueryOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One blocking query after another with Vert.x's Consul client, on a Vert.x event loop. An answer whose index did
 * not move is a wait that timed out: nothing changed, nothing is reported. An index that goes backwards (Consul
 * restarted) starts over from 0, as Consul's documentation asks.
 */
final class ConsulDiscovery implements ServiceDiscovery {

    private final ConsulDiscoveryProvider.Config config;
    private final Vertx vertx;
    private final ConsulClient client;
    private volatile boolean closed;
    private volatile DiscoveryListener listener;
    private long index; // event-loop confined: one query at a time

    ConsulDiscovery(DiscoveryContext context, ConsulDiscoveryProvider.Config config) {
        this.config = config;
        this.vertx = context.vertx();
        ConsulClientOptions o = new ConsulClientOptions()
                .setHost(config.address().getHostString())
                .setPort(config.address().getPort())
                .setTimeout(TimeUnit.NANOSECONDS.toMillis(config.waitNanos()) + 10_000)
                .setIdleTimeout(0);
        if (config.token() != null) {
            o.setAclToken(config.token());
        }
        this.client = ConsulClient.create(vertx, o);
    }

    @Override
    public String describe() {
        return "service " + config.service() + (config.tag() == null ? "" : " tag " + config.tag()) + " @"
                + config.address().getHostString() + ":" + config.address().getPort();
    }

    @Override
    public void start(DiscoveryListener l) {
        listener = l;
        vertx.runOnContext(v -> query());
    }

    private void query() {
        if (closed) {
            return;
        }
        ServiceQueryOptions q = new ServiceQueryOptions();
        if (config.tag() != null) {
            q.setTag(config.tag());
        }
        if (index > 0) {
            q.setBlockingOptions(new BlockingQueryOptions().setIndex(index)
                    .setWait(TimeUnit.NANOSECONDS.toSeconds(config.waitNanos()) + "s"));
        }
        client.healthServiceNodesWithOptions(config.service(), true, q).onComplete(this::answered);
    }

    private void answered(AsyncResult<ServiceEntryList> ar) {
        if (closed) {
            return;
        }
        if (ar.failed()) {
            listener.onError(describe() + ": " + ar.cause());
            index = 0;
            vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(config.retryNanos())), t -> query());
            return;
        }
        ServiceEntryList list = ar.result();
        long next = list.getIndex();
        boolean changed = index == 0 || next != index;
        index = next < index || next <= 0 ? 0 : next;
        if (changed) {
            try {
                listener.onInstances(instances(list.getList()));
            } catch (RuntimeException e) {
                listener.onError(describe() + ": unusable answer (" + e.getMessage() + ")");
            }
        }
        query();
    }

    private List<DiscoveredInstance> instances(List<ServiceEntry> entries) {
        Map<String, DiscoveredInstance> out = new LinkedHashMap<>();
        if (entries == null) {
            return List.of();
        }
        for (ServiceEntry e : entries) {
            var s = e.getService();
            String host = s.getAddress();
            if (host == null || host.isBlank()) {
                host = e.getNode() == null ? null : e.getNode().getAddress();
            }
            if (host == null || host.isBlank() || s.getPort() <= 0) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (e.getNode() != null && e.getNode().getName() != null) {
                labels.put("node", e.getNode().getName());
            }
            DiscoveredInstance d = new DiscoveredInstance(config.scheme(), host, s.getPort(), weight(s), labels);
            out.putIfAbsent(d.id(), d);
        }
        return new ArrayList<>(out.values());
    }

    private static int weight(io.vertx.ext.consul.Service s) {
        Map<String, String> meta = s.getMeta();
        if (meta != null && meta.get("weight") != null) {
            try {
                return Math.max(1, Math.min(10_000, Integer.parseInt(meta.get("weight").trim())));
            } catch (NumberFormatException e) {
                return 1;
            }
        }
        return 1;
    }

    @Override
    public void close() {
        closed = true;
        client.close();
    }
}
