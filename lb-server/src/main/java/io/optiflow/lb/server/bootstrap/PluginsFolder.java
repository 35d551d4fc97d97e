package io.optiflow.lb.server.bootstrap;

import io.optiflow.lb.server.config.InvalidConfigException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where strategy plug-ins may come from. In the JVM, the plug-ins folder ({@code lb.plugins.dir}) is watched and its
 * JARs are loaded while running. A native executable can't load classes at run time: there, strategies are only the
 * providers known when the image was built (the built-ins and any plug-in added as a Maven dependency of lb-server),
 * and a JAR in the plug-ins folder stops start-up with a message saying so, rather than being silently ignored.
 */
final class PluginsFolder {

    static final String NATIVE_HOW_TO = "docs/deployment.md, \"Plug-ins in a native image\"";

    private PluginsFolder() {
    }

    /**
     * The folder the strategy registry should watch: {@code dir} in the JVM; null (class-path providers only) in a
     * native image.
     *
     * @throws InvalidConfigException in a native image whose plug-ins folder holds JARs
     */
    static Path forRegistry(String dir, boolean nativeImage) {
        Path path = Path.of(dir);
        if (!nativeImage) {
            return path;
        }
        List<String> jars = jars(path);
        if (!jars.isEmpty()) {
            throw new InvalidConfigException(List.of("lb.plugins.dir: " + path.toAbsolutePath() + " holds "
                    + String.join(", ", jars) + ", but this is a native executable, which can't load JARs at run"
                    + " time (expected: no JAR there; add the plug-in as a Maven dependency of lb-server and build the"
                    + " native image again, see " + NATIVE_HOW_TO + ", or run the JVM image, which loads the folder)"));
        }
        return null;
    }

    private static List<String> jars(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new InvalidConfigException(List.of("lb.plugins.dir: " + dir.toAbsolutePath() + ": cannot list ("
                    + e.getMessage() + ")"));
        }
        out.sort(null);
        return out;
    }
}
