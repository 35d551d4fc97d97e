package io.optiflow.lb.core.registry;

import io.optiflow.lb.api.spi.StrategyProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds real plug-in JARs at test time: compiles tiny providers against lb-api and packs them with java.util.jar. */
public final class PluginJars {

    private final Path work;
    private int counter;

    public PluginJars(Path work) {
        this.work = work;
    }

    /** Source of a provider class {@code plug.<cls>} with the given name expression and priority. */
    public static String provider(String cls, String nameExpr, int priority, String description) {
        return "package plug;\n"
                + "import io.optiflow.lb.api.spi.*;\n"
                + "import java.util.Map;\n"
                + "public final class " + cls + " implements StrategyProvider<String> {\n"
                + "  public String name() { " + nameExpr + " }\n"
                + "  public int priority() { return " + priority + "; }\n"
                + "  public String description() { return \"" + description + "\"; }\n"
                + "  public ConfigSchema configSchema() { return ConfigSchema.empty(); }\n"
                + "  public ConfigResult<String> parseConfig(Map<String, String> raw) {\n"
                + "    return raw.isEmpty() ? ConfigResult.valid(\"ok\") : ConfigResult.invalid(\"no attributes\"); }\n"
                + "  public Strategy newStrategy(String c, StrategyContext ctx) {\n"
                + "    return healthy -> healthy.isEmpty() ? Picker.NO_BACKEND : ctx2 -> healthy.get(0); }\n"
                + "}\n";
    }

    /** A provider named {@code name}. */
    public static String provider(String cls, String name, int priority) {
        return provider(cls, "return \"" + name + "\";", priority, "plug-in " + name);
    }

    /**
     * Compiles {@code sources} (class simple name to source, package {@code plug}) and writes a JAR at
     * {@code target} listing {@code services} (fully qualified names; may name classes that are not there).
     * Written beside and moved into place, as an operator's copy would finish.
     */
    public Path jar(Path target, Map<String, String> sources, List<String> services) throws IOException {
        Path src = Files.createDirectories(work.resolve("src" + (++counter)));
        Path out = Files.createDirectories(work.resolve("classes" + counter));
        List<String> args = new ArrayList<>(List.of("-classpath", apiClassPath(), "-d", out.toString(),
                "-proc:none", "-nowarn"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey() + ".java");
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no system Java compiler (a JRE without javac?)");
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args.toArray(new String[0]));
        if (rc != 0) {
            throw new IllegalStateException("javac failed: " + err.toString(StandardCharsets.UTF_8));
        }
        Path tmp = work.resolve("jar" + counter + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream jos = new JarOutputStream(os)) {
            if (!services.isEmpty()) {
                jos.putNextEntry(new JarEntry("META-INF/services/" + StrategyProvider.class.getName()));
                jos.write((String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
                jos.closeEntry();
            }
            try (Stream<Path> files = Files.walk(out)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    jos.putNextEntry(new JarEntry(out.relativize(f).toString().replace('\\', '/')));
                    jos.write(Files.readAllBytes(f));
                    jos.closeEntry();
                }
            }
        }
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A JAR with one provider class {@code plug.<cls>} named {@code name}. */
    public Path single(Path target, String cls, String name, int priority) throws IOException {
        Map<String, String> src = new LinkedHashMap<>();
        src.put(cls, provider(cls, name, priority));
        return jar(target, src, List.of("plug." + cls));
    }

    private static String apiClassPath() {
        try {
            return Path.of(StrategyProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
