package io.optiflow.lb.server.admin;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real sources and backends of the discovery tests, started before the server (one Quarkus start for all of
 * them): a backends file (service {@code files}), a service taking self-registrations ({@code regs}), dnsmasq
 * (services {@code dns-srv}, {@code dns-a}), fabric8's Kubernetes mock server ({@code k8s}) and a recorded Consul
 * ({@code consul}). Each service routes by its path prefix ({@code /files}, ...). Sources and backends are kept in
 * static fields for the tests (same JVM as the test classes).
 */
public class DiscoveryTestEnvironment implements QuarkusTestResourceLifecycleManager {

    /** The slow start of the discovery services the scenario runs on. */
    static final String SLOW_START = MembershipScenario.SLOW_START_SECONDS + "s";

    /**
     * Real backends by name: f1..f4 (file), r0..r3 (registrations), s1..s4 (DNS SRV), a1, a2 (DNS A, one port,
     * 127.0.0.2 and .3), k1..k4 (Kubernetes, one port, 127.0.0.4 to .7), c1..c6 (Consul), o1 (the
     * registration-only service {@code solo}).
     */
    static final Map<String, TestBackend> BACKENDS = new HashMap<>();
    static volatile Path backendsFile;
    static volatile Dnsmasq dnsmasq;
    static volatile KubernetesApi kubernetes;
    static volatile RecordedConsul consul;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("optiflow-discovery-test");
            Map<String, String> config = new HashMap<>();
            config.put("lb.data.dir", root.resolve("data").toString());
            config.put("lb.plugins.dir", Files.createDirectories(root.resolve("plugins")).toString());
            for (String name : List.of("f1", "f2", "f3", "f4", "r0", "r1", "r2", "r3", "s1", "s2", "s3", "s4", "c1",
                    "c2", "c3", "c4", "c5", "c6", "o1")) {
                backend(name, new TestBackend());
            }
            files(config);
            service(config, "regs", "1s");
            config.put("lb.services.regs.backends", BACKENDS.get("r0").url());
            service(config, "solo", "0");
            config.put("lb.services.solo.discovery.type", "registration"); // no static backend: registrations only
            dns(config);
            kubernetes(config);
            consul(config);
            return config;
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    private static TestBackend backend(String name, TestBackend b) {
        BACKENDS.put(name, b);
        return b;
    }

    private void files(Map<String, String> config) throws IOException {
        backendsFile = root.resolve("backends.json");
        writeAtomically(backendsFile, FileDiscoveryTest.FileSource.json(List.of(BACKENDS.get("f1"),
                BACKENDS.get("f2"))));
        service(config, "files", SLOW_START);
        config.put("lb.services.files.discovery.type", "file");
        config.put("lb.services.files.discovery.path", backendsFile.toString());
        // health checks run on discovered backends like on static ones
        config.put("lb.services.files.health.enabled", "true");
        config.put("lb.services.files.health.interval", "200ms");
    }

    /** dnsmasq with SRV records for s1, s2 (service dns-srv) and an A record for a1 (service dns-a). */
    private void dns(Map<String, String> config) throws IOException {
        List<TestBackend> a = onePort("127.0.0.2", "127.0.0.3");
        backend("a1", a.get(0));
        backend("a2", a.get(1));
        dnsmasq = closing(Dnsmasq.start(root, DnsDiscoveryTest.hosts(List.of(BACKENDS.get("s1"), BACKENDS.get("s2"),
                BACKENDS.get("s3"), BACKENDS.get("s4")), List.of(BACKENDS.get("a1"))),
                DnsDiscoveryTest.srvs(List.of(BACKENDS.get("s1"), BACKENDS.get("s2")))));
        service(config, "dns-srv", SLOW_START);
        config.put("lb.services.dns-srv.discovery.type", "dns");
        config.put("lb.services.dns-srv.discovery.record", "SRV");
        config.put("lb.services.dns-srv.discovery.name", DnsDiscoveryTest.SRV_NAME);
        config.put("lb.services.dns-srv.discovery.server", dnsmasq.address());
        config.put("lb.services.dns-srv.discovery.refresh", "500ms");
        config.put("lb.services.dns-srv.discovery.timeout", "300ms");
        service(config, "dns-a", "0");
        config.put("lb.services.dns-a.discovery.type", "dns");
        config.put("lb.services.dns-a.discovery.name", DnsDiscoveryTest.A_NAME);
        config.put("lb.services.dns-a.discovery.port", Integer.toString(a.get(0).port()));
        config.put("lb.services.dns-a.discovery.server", dnsmasq.address());
        config.put("lb.services.dns-a.discovery.refresh", "10s"); // the records' TTL (1 s) decides
    }

    /** The Kubernetes API with the EndpointSlice of Service {@code api}: k1, k2 ready, one address terminating. */
    private void kubernetes(Map<String, String> config) throws IOException {
        List<TestBackend> k = onePort("127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7");
        for (int i = 0; i < k.size(); i++) {
            backend("k" + (i + 1), k.get(i));
        }
        kubernetes = closing(new KubernetesApi(root));
        kubernetes.setEndpoints(KubernetesDiscoveryTest.K8S_SERVICE, k.get(0).port(), List.of(k.get(0), k.get(1)),
                List.of(KubernetesDiscoveryTest.TERMINATING));
        service(config, "k8s", SLOW_START);
        config.put("lb.services.k8s.discovery.type", "kubernetes");
        config.put("lb.services.k8s.discovery.service", KubernetesDiscoveryTest.K8S_SERVICE);
        config.put("lb.services.k8s.discovery.namespace", KubernetesApi.NAMESPACE);
        config.put("lb.services.k8s.discovery.port-name", "http");
        config.put("lb.services.k8s.discovery.kubeconfig", kubernetes.kubeconfig());
    }

    /** Consul with service {@code api}: c1, c2 passing with tag primary; c5 critical, c6 with another tag. */
    private void consul(Map<String, String> config) throws IOException {
        consul = closing(new RecordedConsul());
        consul.set(ConsulDiscoveryTest.CONSUL_SERVICE, ConsulDiscoveryTest.instances(List.of(BACKENDS.get("c1"),
                BACKENDS.get("c2"))));
        service(config, "consul", SLOW_START);
        config.put("lb.services.consul.discovery.type", "consul");
        config.put("lb.services.consul.discovery.address", consul.address());
        config.put("lb.services.consul.discovery.service", ConsulDiscoveryTest.CONSUL_SERVICE);
        config.put("lb.services.consul.discovery.tag", "primary");
        config.put("lb.services.consul.discovery.token", RecordedConsul.TOKEN);
        config.put("lb.services.consul.discovery.wait", "2s"); // waits that time out are part of the test
        config.put("lb.services.consul.discovery.retry", "200ms");
    }

    /** Backends on these loopback addresses, all on one port (as DNS A records and pods have them). */
    private List<TestBackend> onePort(String... addresses) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            List<TestBackend> made = new ArrayList<>();
            try {
                made.add(new TestBackend(InetAddress.getByName(addresses[0]), 0));
                for (int i = 1; i < addresses.length; i++) {
                    made.add(new TestBackend(InetAddress.getByName(addresses[i]), made.get(0).port()));
                }
                return made;
            } catch (IOException e) {
                made.forEach(TestBackend::close); // that port is taken on one of the addresses: another port
                last = e;
            }
        }
        throw last;
    }

    private static void service(Map<String, String> config, String name, String slowStart) {
        String key = "lb.services." + name;
        config.put(key + ".strategy", "round-robin");
        config.put(key + ".match.path-prefix", "/" + name);
        config.put(key + ".health.enabled", "false");
        // no retries: a request that fails over a membership change counts as failed
        config.put(key + ".retry.attempts", "0");
        config.put(key + ".slow-start", slowStart);
    }

    /** Writes through a temp file and a rename, as operators should. */
    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void stop() {
        List<AutoCloseable> all = new ArrayList<>(List.of(closeables.toArray(AutoCloseable[]::new)));
        all.addAll(BACKENDS.values());
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        closeables.clear();
        BACKENDS.clear();
        dnsmasq = null;
        kubernetes = null;
        consul = null;
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp folder is harmless
            }
        }
    }
}
