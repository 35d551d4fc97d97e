package io.optiflow.lb.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.optiflow.lb.discovery.DiscoveredInstance;
import io.optiflow.lb.discovery.DiscoveryListener;
import io.optiflow.lb.discovery.ServiceDiscovery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An informer on the Service's EndpointSlices; every event recomputes the full list from the informer's store and
 * reports it (one task at a time on a thread of its own, so reports never overlap). A failed list is reported; the
 * informer retries by itself. A watch that drops is re-established by fabric8's watch manager without telling the
 * informer's exception handler, so the watch is checked every second: down for two checks in a row is reported
 * (again every 10 s while it stays down), and when it is back the current list is reported, which clears the
 * failure even if nothing changed meanwhile.
 */
final class KubernetesDiscovery implements ServiceDiscovery {

    static final String SERVICE_LABEL = "kubernetes.io/service-name";
    private static final long WATCH_CHECK_MILLIS = 1_000;
    private static final int DOWN_CHECKS_BEFORE_REPORT = 2; // a watch that ends on its timeout reconnects at once
    private static final int DOWN_CHECKS_BETWEEN_REPORTS = 10;

    private final String service;
    private final KubernetesDiscoveryProvider.Config config;
    private final ScheduledExecutorService thread;
    private KubernetesClient client;
    private SharedIndexInformer<EndpointSlice> informer;
    private volatile DiscoveryListener listener;
    private int downChecks; // thread-confined

    KubernetesDiscovery(String service, KubernetesDiscoveryProvider.Config config) {
        this.service = service;
        this.config = config;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lb-discovery-kubernetes-" + service);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String describe() {
        return "EndpointSlices of " + (config.namespace() == null ? "" : config.namespace() + "/") + config.service()
                + (config.portName() == null ? "" : " port " + config.portName());
    }

    @Override
    public void start(DiscoveryListener l) {
        listener = l;
        thread.execute(this::connect);
    }

    private void connect() {
        try {
            Config c = config.kubeconfig() == null ? Config.autoConfigure(null)
                    : Config.fromKubeconfig(Files.readString(Path.of(config.kubeconfig()), StandardCharsets.UTF_8));
            client = new KubernetesClientBuilder().withConfig(c).build();
            String ns = config.namespace() != null ? config.namespace() : client.getNamespace();
            informer = client.discovery().v1().endpointSlices().inNamespace(ns == null ? "default" : ns)
                    .withLabel(SERVICE_LABEL, config.service())
                    .runnableInformer(0);
            informer.addEventHandler(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(EndpointSlice obj) {
                            changed();
                        }

                        @Override
                        public void onUpdate(EndpointSlice oldObj, EndpointSlice newObj) {
                            changed();
                        }

                        @Override
                        public void onDelete(EndpointSlice obj, boolean deletedFinalStateUnknown) {
                            changed();
                        }

                        @Override
                        public void onNothing() {
                            changed(); // the initial list was empty
                        }
                    });
            informer.exceptionHandler((started, t) -> {
                report(() -> listener.onError(describe() + ": " + t));
                return true; // keep retrying
            });
            informer.start().whenComplete((v, err) -> {
                if (err != null) {
                    report(() -> listener.onError(describe() + ": " + err));
                } else {
                    changed();
                }
            });
            thread.scheduleWithFixedDelay(this::checkWatch, WATCH_CHECK_MILLIS, WATCH_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            listener.onError(describe() + ": cannot start the client (" + e + "); retrying in 5 s");
            if (!thread.isShutdown()) {
                thread.schedule(this::connect, 5, TimeUnit.SECONDS);
            }
        }
    }

    /** On the thread: reports a watch that stays down, and the current list once it is back. */
    private void checkWatch() {
        if (informer == null || !informer.hasSynced()) {
            return; // a failing first list reaches the exception handler
        }
        if (informer.isWatching()) {
            if (downChecks >= DOWN_CHECKS_BEFORE_REPORT) {
                changed();
            }
            downChecks = 0;
            return;
        }
        downChecks++;
        if (downChecks >= DOWN_CHECKS_BEFORE_REPORT
                && (downChecks - DOWN_CHECKS_BEFORE_REPORT) % DOWN_CHECKS_BETWEEN_REPORTS == 0) {
            listener.onError(describe() + ": the watch is down since " + (downChecks * WATCH_CHECK_MILLIS / 1000)
                    + " s (API server unreachable or restarting); reconnecting");
        }
    }

    private void changed() {
        report(() -> {
            if (informer == null || !informer.hasSynced()) {
                return;
            }
            listener.onInstances(List.copyOf(instances(informer.getStore().list(), config).values()));
        });
    }

    private void report(Runnable r) {
        try {
            thread.execute(r);
        } catch (RuntimeException e) {
            // closed
        }
    }

    /** The ready endpoints of {@code slices}, by id; zone as a label. */
    static Map<String, DiscoveredInstance> instances(List<EndpointSlice> slices,
                                                     KubernetesDiscoveryProvider.Config config) {
        Map<String, DiscoveredInstance> out = new LinkedHashMap<>();
        for (EndpointSlice s : slices) {
            Integer port = port(s.getPorts(), config.portName());
            if (port == null || s.getEndpoints() == null) {
                continue;
            }
            for (Endpoint e : s.getEndpoints()) {
                Boolean ready = e.getConditions() == null ? null : e.getConditions().getReady();
                if (Boolean.FALSE.equals(ready) || e.getAddresses() == null) {
                    continue; // nil means ready (API contract); false is not ready, terminating ones included
                }
                Map<String, String> labels = e.getZone() == null ? Map.of() : Map.of("zone", e.getZone());
                for (String addr : e.getAddresses()) {
                    DiscoveredInstance d = new DiscoveredInstance(config.scheme(), addr, port, 1, labels);
                    out.putIfAbsent(d.id(), d);
                }
            }
        }
        return out;
    }

    private static Integer port(List<EndpointPort> ports, String name) {
        if (ports == null || ports.isEmpty()) {
            return null;
        }
        for (EndpointPort p : ports) {
            if (name == null || name.equals(p.getName())) {
                return p.getPort();
            }
        }
        return null;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        if (informer != null) {
            informer.close();
        }
        if (client != null) {
            client.close();
        }
    }
}
