package io.optiflow.lb.server.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.server.config.InvalidConfigException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plug-ins folder in the JVM and in a native image, tested in the JVM: the native policy is the same code with
 * {@code nativeImage = true}, and a registry without a folder sees exactly what a native image has, the providers
 * on the class path at build time.
 */
class PluginsFolderTest {

    private static final String EXAMPLE = "zone-aware";

    @TempDir
    Path dir;

    @Test
    void jvm_pluginsFolder_isWatched() {
        assertEquals(dir, PluginsFolder.forRegistry(dir.toString(), false));
    }

    @Test
    void nativeImage_jarInPluginsFolder_stopsStartUpNamingKeyJarAndTheWayOut() throws IOException {
        Files.copy(exampleJar(), dir.resolve("zone-aware.jar"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> PluginsFolder.forRegistry(dir.toString(), true));
        String message = e.getMessage();
        assertTrue(message.contains("lb.plugins.dir: " + dir.toAbsolutePath()), message);
        assertTrue(message.contains("zone-aware.jar"), message);
        assertTrue(message.contains("native executable"), message);
        assertTrue(message.contains("Maven dependency of lb-server"), message);
        assertTrue(message.contains(PluginsFolder.NATIVE_HOW_TO), message);
    }

    @Test
    void nativeImage_emptyOrMissingFolder_classPathProvidersOnly() throws IOException {
        Files.writeString(dir.resolve("README.txt"), "not a JAR");
        assertNull(PluginsFolder.forRegistry(dir.toString(), true));
        assertNull(PluginsFolder.forRegistry(dir.resolve("absent").toString(), true));
    }

    @Test
    void nativeRegistry_pluginAddedAsDependency_isOfferedAsBuiltIn() throws Exception {
        Files.copy(exampleJar(), dir.resolve("zone-aware.jar"));
        try (StrategyRegistry without = StrategyRegistry.create(PluginsFolder.forRegistry(
                dir.resolve("absent").toString(), true))) {
            assertTrue(without.find(EXAMPLE).isEmpty(), "the example plug-in must not be on the test class path,"
                    + " or this test proves nothing");
            assertTrue(without.find("round-robin").isPresent(), "built-ins: " + without.strategies());
        }
        // A Maven dependency of lb-server is on the image's class path at build time: the same as a class loader
        // that has the JAR, with no plug-ins folder at all.
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader withDependency = new URLClassLoader(new URL[] {exampleJar().toUri().toURL()}, before)) {
            Thread.currentThread().setContextClassLoader(withDependency);
            try (StrategyRegistry registry = StrategyRegistry.create(PluginsFolder.forRegistry(
                    dir.resolve("absent").toString(), true))) {
                assertTrue(registry.find(EXAMPLE).isPresent(), "strategies: " + registry.strategies());
                Optional<StrategyDescriptor> d = registry.strategies().stream()
                        .filter(s -> s.name().equals(EXAMPLE)).findFirst();
                assertEquals("built-in", d.orElseThrow().source());
                assertTrue(registry.problems().isEmpty(), "problems: " + registry.problems());
            }
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    /** The example plug-in (examples/example-strategy), copied to target/test-plugins-src by the build. */
    private static Path exampleJar() throws IOException {
        Path src = Path.of("target", "test-plugins-src");
        try (Stream<Path> s = Files.list(src)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no example plug-in JAR in " + src.toAbsolutePath()));
        }
    }
}
