package io.optiflow.lb.server.admin;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The real sources and backends of the discovery tests, started before the server: a backends file (service
 * {@code files}), a service taking self-registrations ({@code regs}). Each service routes by its path prefix
 * ({@code /files}, ...). Backends are kept in {@link #BACKENDS} for the tests (same JVM as the test classes).
 */
public class DiscoveryTestEnvironment implements QuarkusTestResourceLifecycleManager {

    /** Real backends by name: f1..f4 (file), r0..r3 (registrations). */
    static final Map<String, TestBackend> BACKENDS = new HashMap<>();
    static volatile Path backendsFile;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("optiflow-discovery-test");
            Map<String, String> config = new HashMap<>();
            config.put("lb.data.dir", root.resolve("data").toString());
            config.put("lb.plugins.dir", Files.createDirectories(root.resolve("plugins")).toString());
            for (String name : List.of("f1", "f2", "f3", "f4", "r0", "r1", "r2", "r3")) {
                TestBackend b = new TestBackend();
                BACKENDS.put(name, b);
                closeables.add(b);
            }
            backendsFile = root.resolve("backends.json");
            writeAtomically(backendsFile, "[{\"url\": \"" + BACKENDS.get("f1").url() + "\"}, {\"url\": \""
                    + BACKENDS.get("f2").url() + "\", \"weight\": 1}]");
            service(config, "files", "3s");
            config.put("lb.services.files.discovery.type", "file");
            config.put("lb.services.files.discovery.path", backendsFile.toString());
            // health checks run on discovered backends like on static ones
            config.put("lb.services.files.health.enabled", "true");
            config.put("lb.services.files.health.interval", "200ms");
            service(config, "regs", "1s");
            config.put("lb.services.regs.backends", BACKENDS.get("r0").url());
            return config;
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        }
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
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        closeables.clear();
        BACKENDS.clear();
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp folder is harmless
            }
        }
    }
}
