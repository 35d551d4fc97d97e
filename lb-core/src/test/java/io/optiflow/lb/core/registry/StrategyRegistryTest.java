package io.optiflow.lb.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.core.support.CountingLeastConnProvider;
import io.optiflow.lb.core.support.RoundRobinTestProvider;
import io.optiflow.lb.core.support.UnavailableTestProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class StrategyRegistryTest {

    @TempDir
    Path tmp;

    private final List<StrategyRegistry> registries = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    @AfterEach
    void tearDown() {
        registries.forEach(StrategyRegistry::close);
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private Path plugins() throws Exception {
        return Files.createDirectories(tmp.resolve("plugins"));
    }

    private PluginJars jars() throws Exception {
        return new PluginJars(Files.createDirectories(tmp.resolve("work")));
    }

    private DefaultStrategyRegistry registry(Path dir) {
        DefaultStrategyRegistry r = (DefaultStrategyRegistry) StrategyRegistry.create(dir);
        registries.add(r);
        return r;
    }

    private static Optional<StrategyDescriptor> descriptor(StrategyRegistry r, String name) {
        return r.strategies().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    @Test
    void create_classPathOnly_offersAvailableProvidersSortedAndSkipsUnavailable() {
        StrategyRegistry r = registry(null);
        List<String> names = r.strategies().stream().map(StrategyDescriptor::name).toList();
        assertTrue(names.contains(RoundRobinTestProvider.NAME), names::toString);
        assertTrue(names.contains(CountingLeastConnProvider.NAME), names::toString);
        assertFalse(names.contains(UnavailableTestProvider.NAME), "an unavailable provider is not offered");
        assertEquals(names.stream().sorted().toList(), names, "sorted by name");
        StrategyDescriptor lc = descriptor(r, CountingLeastConnProvider.NAME).orElseThrow();
        assertEquals("built-in", lc.source());
        assertEquals(5, lc.priority());
        assertEquals("bias", lc.schema().attributes().get(0).name());
        assertTrue(r.find(CountingLeastConnProvider.NAME).orElseThrow() instanceof CountingLeastConnProvider);
        assertTrue(r.find("no-such").isEmpty());
        assertTrue(r.problems().isEmpty(), r.problems()::toString);
    }

    @Test
    void create_pluginJarInFolder_offeredWithItsFileName() throws Exception {
        jars().single(plugins().resolve("sticky.jar"), "StickyProvider", "sticky-first", 5);
        StrategyRegistry r = registry(plugins());
        StrategyDescriptor d = descriptor(r, "sticky-first").orElseThrow();
        assertEquals("sticky.jar", d.source());
        assertEquals("plug-in sticky-first", d.description());
        StrategyProvider<?> p = r.find("sticky-first").orElseThrow();
        assertEquals("plug.StickyProvider", p.getClass().getName());
        assertTrue(p.getClass().getClassLoader() instanceof java.net.URLClassLoader);
    }

    @Test
    void start_jarAddedWhileRunning_offeredWithinFiveSeconds() throws Exception {
        Path dir = plugins();
        StrategyRegistry r = registry(dir);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        r.start(scheduler);
        assertTrue(r.find("late-comer").isEmpty());
        jars().single(dir.resolve("late.jar"), "LateProvider", "late-comer", 5);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (r.find("late-comer").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling a real folder watched on real time: nothing to move by hand
        }
        assertTrue(r.find("late-comer").isPresent(), "not offered within 10 s");
    }

    @Test
    void scan_garbageJar_reportedAndOtherJarsStillWork() throws Exception {
        Path dir = plugins();
        Files.write(dir.resolve("junk.jar"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8});
        jars().single(dir.resolve("good.jar"), "GoodProvider", "good-one", 5);
        StrategyRegistry r = registry(dir);
        assertTrue(r.find("good-one").isPresent());
        assertEquals(1, r.problems().size(), r.problems()::toString);
        assertTrue(r.problems().get(0).startsWith("junk.jar: not a readable JAR"), r.problems()::toString);
        assertTrue(r.find(RoundRobinTestProvider.NAME).isPresent(), "built-ins unaffected");
    }

    @Test
    void scan_jarWithProviderClassMissing_loadsNothingFromThatJar() throws Exception {
        Path dir = plugins();
        Map<String, String> src = new LinkedHashMap<>();
        src.put("FineProvider", PluginJars.provider("FineProvider", "fine-one", 5));
        jars().jar(dir.resolve("half.jar"), src, List.of("plug.FineProvider", "plug.MissingProvider"));
        jars().single(dir.resolve("other.jar"), "OtherProvider", "other-one", 5);
        StrategyRegistry r = registry(dir);
        assertTrue(r.find("fine-one").isEmpty(), "a broken JAR loads nothing, not even its good provider");
        assertTrue(r.find("other-one").isPresent());
        assertEquals(1, r.problems().size(), r.problems()::toString);
        assertTrue(r.problems().get(0).startsWith("half.jar: "), r.problems()::toString);
        assertTrue(r.problems().get(0).contains("MissingProvider"), r.problems()::toString);
    }

    @Test
    void scan_providerWhoseNameThrows_jarReportedNothingLoaded() throws Exception {
        Path dir = plugins();
        Map<String, String> src = new LinkedHashMap<>();
        src.put("FineProvider", PluginJars.provider("FineProvider", "fine-two", 5));
        src.put("ThrowingProvider", PluginJars.provider("ThrowingProvider",
                "throw new IllegalStateException(\"boom in name\");", 5, "x"));
        jars().jar(dir.resolve("throws.jar"), src, List.of("plug.FineProvider", "plug.ThrowingProvider"));
        StrategyRegistry r = registry(dir);
        assertTrue(r.find("fine-two").isEmpty());
        assertTrue(r.problems().get(0).startsWith("throws.jar: "), r.problems()::toString);
        assertTrue(r.problems().get(0).contains("boom in name"), r.problems()::toString);
    }

    @Test
    void scan_providerWithBadName_skippedAndReported() throws Exception {
        Path dir = plugins();
        jars().single(dir.resolve("badname.jar"), "BadNameProvider", "Bad_Name", 5);
        StrategyRegistry r = registry(dir);
        assertTrue(r.find("Bad_Name").isEmpty());
        assertTrue(r.problems().stream().anyMatch(p -> p.contains("Bad_Name") && p.contains("kebab-case")),
                r.problems()::toString);
    }

    @Test
    void scan_nameClash_highestPriorityWins() throws Exception {
        Path dir = plugins();
        jars().single(dir.resolve("better-rr.jar"), "BetterRr", RoundRobinTestProvider.NAME, 10);
        jars().single(dir.resolve("weaker-lc.jar"), "WeakerLc", CountingLeastConnProvider.NAME, 1);
        StrategyRegistry r = registry(dir);
        StrategyDescriptor rr = descriptor(r, RoundRobinTestProvider.NAME).orElseThrow();
        assertEquals("better-rr.jar", rr.source());
        assertEquals(10, rr.priority());
        assertEquals("plug.BetterRr", r.find(RoundRobinTestProvider.NAME).orElseThrow().getClass().getName());
        StrategyDescriptor lc = descriptor(r, CountingLeastConnProvider.NAME).orElseThrow();
        assertEquals("built-in", lc.source());
        assertTrue(r.find(CountingLeastConnProvider.NAME).orElseThrow() instanceof CountingLeastConnProvider);
    }

    @Test
    void scan_jarRemovedOrReplaced_unloadedOrReloaded() throws Exception {
        Path dir = plugins();
        PluginJars jars = jars();
        Path jar = jars.single(dir.resolve("swap.jar"), "SwapProvider", "swap-me", 3);
        DefaultStrategyRegistry r = registry(dir);
        assertTrue(((java.net.URLClassLoader) r.find("swap-me").orElseThrow().getClass().getClassLoader())
                .findResource("plug/SwapProvider.class") != null);
        assertEquals(3, descriptor(r, "swap-me").orElseThrow().priority());
        java.net.URLClassLoader firstLoader =
                (java.net.URLClassLoader) r.find("swap-me").orElseThrow().getClass().getClassLoader();

        jars.single(jar, "SwapProvider", "swap-me", 7); // new size/content; make the mtime differ for sure
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() + 5_000));
        r.scan();
        assertEquals(7, descriptor(r, "swap-me").orElseThrow().priority());
        assertEquals(null, firstLoader.findResource("plug/SwapProvider.class"), "the old JAR's loader is closed");

        Files.delete(jar);
        r.scan();
        assertTrue(r.find("swap-me").isEmpty(), "a removed JAR's strategies are no longer offered");
        assertTrue(r.problems().isEmpty(), r.problems()::toString);
    }

    @Test
    void scan_brokenJarFixed_problemGoneAndStrategyOffered() throws Exception {
        Path dir = plugins();
        Path jar = dir.resolve("fixme.jar");
        Files.write(jar, new byte[]{'n', 'o', 't', 'z', 'i', 'p'});
        DefaultStrategyRegistry r = registry(dir);
        assertEquals(1, r.problems().size());
        jars().single(jar, "FixedProvider", "fixed-now", 5);
        r.scan();
        assertTrue(r.find("fixed-now").isPresent());
        assertTrue(r.problems().isEmpty(), r.problems()::toString);
    }

    @Test
    void create_pluginsPathIsAFileOrJarHasNoProvider_reported() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        StrategyRegistry r = registry(file);
        assertTrue(r.problems().get(0).contains("not a folder"), r.problems()::toString);
        assertTrue(r.find(RoundRobinTestProvider.NAME).isPresent());

        Path dir = plugins();
        jars().jar(dir.resolve("empty.jar"), Map.of("Nothing", "package plug; public class Nothing {}"), List.of());
        StrategyRegistry r2 = registry(dir);
        assertTrue(r2.problems().get(0).startsWith("empty.jar: no strategy provider found"), r2.problems()::toString);
    }

    @Test
    void create_contextClassLoaderWithMoreProviders_foundOnceAndItsBadEntryReported() throws Exception {
        Map<String, String> src = new LinkedHashMap<>();
        src.put("TcclProvider", PluginJars.provider("TcclProvider", "tccl-only", 5));
        Path jar = jars().jar(tmp.resolve("tccl.jar"), src, List.of("plug.TcclProvider", "plug.NotThere"));
        Thread me = Thread.currentThread();
        ClassLoader saved = me.getContextClassLoader();
        try (java.net.URLClassLoader tccl = new java.net.URLClassLoader(new java.net.URL[]{jar.toUri().toURL()},
                StrategyRegistryTest.class.getClassLoader())) {
            me.setContextClassLoader(tccl);
            Path dir = plugins();
            jars().single(dir.resolve("plugin.jar"), "PluginProvider", "plugin-one", 5);
            StrategyRegistry r = registry(dir);
            assertEquals("built-in", descriptor(r, "tccl-only").orElseThrow().source());
            assertTrue(r.find("plugin-one").isPresent(), "a bad class path entry does not break plug-ins");
            List<String> names = r.strategies().stream().map(StrategyDescriptor::name).toList();
            assertEquals(names.stream().distinct().toList(), names, "each provider once");
            assertEquals(1, r.problems().size(), r.problems()::toString);
            assertTrue(r.problems().get(0).startsWith("class path: ") && r.problems().get(0).contains("NotThere"),
                    r.problems()::toString);
        } finally {
            me.setContextClassLoader(saved);
        }
    }
}
