package io.optiflow.lb.server.admin;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API server for the tests: fabric8's mock server in CRUD mode (it stores what is written and serves
 * list and watch, label selectors included) on a free loopback port, with a kubeconfig file pointing at it.
 * {@link #stop} shuts it down (the API is unreachable); {@link #restart} starts an empty one on the same port.
 */
final class KubernetesApi implements AutoCloseable {

    static final String NAMESPACE = "shop";
    static final String ZONE = "eu-west-1a";

    private final Path kubeconfig;
    private KubernetesMockServer server;
    private NamespacedKubernetesClient client;
    private int port;

    KubernetesApi(Path dir) throws IOException {
        launch(0);
        kubeconfig = dir.resolve("kubeconfig.yaml");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: http://127.0.0.1:%d
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    namespace: %s
                    user: test
                current-context: mock
                users:
                - name: test
                  user:
                    token: test-token
                """.formatted(port, NAMESPACE), StandardCharsets.UTF_8);
    }

    private void launch(int onPort) {
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()), false);
        server.init(InetAddress.getLoopbackAddress(), onPort);
        port = server.getPort();
        client = server.createClient();
    }

    String kubeconfig() {
        return kubeconfig.toString();
    }

    /**
     * Writes the EndpointSlice {@code <service>-x7k2p} of Service {@code service} (label
     * {@code kubernetes.io/service-name}) with one endpoint per backend, all on the backends' common port
     * {@code http}: {@code ready} ones with {@code conditions.ready=true} and zone {@link #ZONE}, {@code notReady}
     * addresses terminating ({@code ready=false}).
     */
    synchronized void setEndpoints(String service, int port, List<TestBackend> ready, List<String> notReady) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (TestBackend b : ready) {
            endpoints.add(new EndpointBuilder().withAddresses(b.id().substring(0, b.id().lastIndexOf(':')))
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                    .withZone(ZONE).withNodeName("node-1").build());
        }
        for (String address : notReady) {
            endpoints.add(new EndpointBuilder().withAddresses(address)
                    .withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions()
                    .withZone(ZONE).build());
        }
        EndpointSlice slice = new EndpointSliceBuilder()
                .withNewMetadata().withName(service + "-x7k2p").withNamespace(NAMESPACE)
                .addToLabels("kubernetes.io/service-name", service)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort()
                .addNewPort().withName("metrics").withPort(9090).withProtocol("TCP").endPort()
                .withEndpoints(endpoints)
                .build();
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).createOr(
                existing -> existing.update());
    }

    /** The API server goes away: lists and watches fail until {@link #restart}. */
    synchronized void stop() {
        if (server != null) {
            client.close();
            server.destroy();
            server = null;
        }
    }

    /** An empty API server on the same port again (the informer re-lists from it). */
    synchronized void restart() {
        launch(port);
    }

    @Override
    public synchronized void close() {
        stop();
    }
}
