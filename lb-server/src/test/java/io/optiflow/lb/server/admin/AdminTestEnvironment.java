package io.optiflow.lb.server.admin;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the real backends of the admin-plane tests and points a fresh data folder and plug-ins folder at them.
 * Four services, one per test class, so classes sharing one Quarkus start don't see each other's changes:
 * {@code web} (security), {@code switch} (strategy switches through the proxy), {@code edit} (backends, validation),
 * {@code plugin} (the plug-in JAR). Each routes by its path prefix ({@code /web}, ...). Tests read the backends'
 * URLs back from {@code lb.services.<name>.backends}.
 */
public class AdminTestEnvironment implements QuarkusTestResourceLifecycleManager {

    static final List<String> SERVICES = List.of("web", "switch", "edit", "plugin");

    private final List<TestBackend> backends = new ArrayList<>();
    private Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("optiflow-admin-test");
            Path plugins = Files.createDirectories(root.resolve("plugins"));
            Map<String, String> config = new HashMap<>();
            config.put("lb.data.dir", root.resolve("data").toString());
            config.put("lb.plugins.dir", plugins.toString());
            for (String service : SERVICES) {
                TestBackend a = new TestBackend();
                TestBackend b = new TestBackend();
                backends.add(a);
                backends.add(b);
                String key = "lb.services." + service;
                config.put(key + ".backends", a.url() + "," + b.url());
                config.put(key + ".strategy", "round-robin");
                config.put(key + ".match.path-prefix", "/" + service);
                // No active checks: health is not under test here, and a check must not race a held request.
                config.put(key + ".health.enabled", "false");
                config.put(key + ".retry.attempts", "0");
            }
            return config;
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        backends.forEach(TestBackend::close);
        backends.clear();
        TempTree.delete(root);
    }
}
