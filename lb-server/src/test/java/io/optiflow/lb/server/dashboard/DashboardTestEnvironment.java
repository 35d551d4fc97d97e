package io.optiflow.lb.server.dashboard;

import io.optiflow.lb.server.admin.TempTree;
import io.optiflow.lb.server.admin.TestBackend;
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
 * Real backends for the dashboard's browser tests, in folders of their own: service {@code shop} over three
 * backends (round robin, path {@code /shop}) and service {@code quiet} over one (no traffic, path
 * {@code /quiet}). Tests read the backends back from {@code lb.services.shop.backends}.
 */
public class DashboardTestEnvironment implements QuarkusTestResourceLifecycleManager {

    private final List<TestBackend> backends = new ArrayList<>();
    private Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("optiflow-dashboard-test");
            Map<String, String> config = new HashMap<>();
            config.put("lb.data.dir", root.resolve("data").toString());
            config.put("lb.plugins.dir", Files.createDirectories(root.resolve("plugins")).toString());
            service(config, "shop", 3);
            service(config, "quiet", 1);
            return config;
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        }
    }

    private void service(Map<String, String> config, String name, int count) throws IOException {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestBackend b = new TestBackend();
            backends.add(b);
            urls.add(b.url());
        }
        String key = "lb.services." + name;
        config.put(key + ".backends", String.join(",", urls));
        config.put(key + ".strategy", "round-robin");
        config.put(key + ".match.path-prefix", "/" + name);
        config.put(key + ".health.enabled", "false");
        config.put(key + ".retry.attempts", "0");
    }

    @Override
    public void stop() {
        backends.forEach(TestBackend::close);
        backends.clear();
        TempTree.delete(root);
    }
}
