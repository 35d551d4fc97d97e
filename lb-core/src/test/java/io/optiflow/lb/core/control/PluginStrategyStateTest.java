package io.optiflow.lb.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.core.registry.PluginJars;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.core.support.RoundRobinTestProvider;
import io.optiflow.lb.testkit.ManualTicker;
import io.optiflow.lb.testkit.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A strategy from a plug-in JAR saved as an override, then the JAR goes away. */
@Timeout(60)
class PluginStrategyStateTest {

    @TempDir
    Path tmp;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "plugin-state-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private static List<ServiceSpec> config() {
        return List.of(new ServiceSpec("web", List.of(BackendSpec.parse("http://10.9.0.1:80")),
                RoundRobinTestProvider.NAME, Map.of(), HealthPolicy.defaults()));
    }

    private ControlPlane plane(StrategyRegistry registry, Path data) {
        return new ControlPlane(registry, data, new ManualTicker(), new SeededRandom(1), scheduler, Clock.systemUTC());
    }

    @Test
    void restart_pluginOfSavedStrategyGone_configuredStrategyUsedOverrideKeptAndBackWithPlugin() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path data = tmp.resolve("data");
        Path jar = new PluginJars(Files.createDirectories(tmp.resolve("work")))
                .single(plugins.resolve("first-one.jar"), "FirstOne", "first-one", 5);

        try (StrategyRegistry registry = StrategyRegistry.create(plugins); ControlPlane cp = plane(registry, data)) {
            cp.start(config());
            ServiceView v = cp.switchStrategy("web", "first-one", Map.of(), "alice");
            assertEquals("first-one", v.strategy());
            assertEquals("10.9.0.1:80", cp.pool("web").orElseThrow().selector()
                    .pick(io.optiflow.lb.api.RequestContext.EMPTY).backend().id());
        }
        Path moved = Files.move(jar, tmp.resolve("first-one.jar.away"));
        byte[] saved = Files.readAllBytes(data.resolve("state.json"));

        try (StrategyRegistry registry = StrategyRegistry.create(plugins); ControlPlane cp = plane(registry, data)) {
            cp.start(config());
            ServiceView v = cp.service("web");
            assertEquals(RoundRobinTestProvider.NAME, v.strategy(), "the configured strategy runs");
            assertFalse(v.strategyOverridden());
        }
        assertEquals(new String(saved), Files.readString(data.resolve("state.json")), "the override is kept");

        Files.move(moved, jar);
        try (StrategyRegistry registry = StrategyRegistry.create(plugins); ControlPlane cp = plane(registry, data)) {
            cp.start(config());
            assertEquals("first-one", cp.service("web").strategy(), "the override applies again");
            assertTrue(cp.service("web").strategyOverridden());
        }
    }
}
