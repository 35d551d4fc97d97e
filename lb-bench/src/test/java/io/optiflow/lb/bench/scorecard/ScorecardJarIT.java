package io.optiflow.lb.bench.scorecard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code target/lb-scorecard.jar} run as a contributor runs it, in a JVM of its own: on the example
 * plug-in's JAR with a quick JMH run (forked benchmark JVMs loading the plug-in), and on a built-in.
 */
class ScorecardJarIT {

    private static final Path JAR = Path.of(System.getProperty("scorecard.jar"));
    private static final Path EXAMPLE_JAR = Path.of(System.getProperty("scorecard.exampleJar"));

    @TempDir
    Path dir;

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Path run(String name, String... args) throws Exception {
        Path log = dir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("lb-scorecard " + args[0] + " still running after 180 s:\n" + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), () -> "lb-scorecard exited " + p.exitValue() + ":\n" + readQuietly(log));
        System.out.printf(Locale.ROOT, "lb-scorecard %s: %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
        return log;
    }

    @Test
    void jar_examplePluginQuick_reportHasScenarioRowsAndItsPickCost() throws Exception {
        run("example", "--plugin", EXAMPLE_JAR.toString(), "--strategy", "zone-aware", "--quick");
        String md = Files.readString(dir.resolve("scorecard-zone-aware.md"));
        assertTrue(md.contains("\n| **zone-aware** | 8 | "), md);
        assertTrue(md.contains("\n| **zone-aware** | 1000 | "), md);
        assertTrue(md.contains("\n| round-robin (reference) | 8 | "), md);
        Matcher m = Pattern.compile("\\| \\*\\*zone-aware\\*\\* \\| 8 \\| ([0-9.]+) \\| [^|]+ \\| ([0-9.]+) \\|")
                .matcher(md);
        assertTrue(m.find(), () -> "no pick-cost row with figures:\n" + md);
        assertTrue(Double.parseDouble(m.group(1)) > 0, "a time per pick");
        // zone-aware returns a backend of its array and counts with one AtomicInteger: no object per pick
        assertTrue(Double.parseDouble(m.group(2)) < 16, () -> "bytes per pick: " + m.group(2));
    }

    @Test
    void jar_builtIn_reportWritten() throws Exception {
        run("built-in", "--strategy", "least-connections", "--seeds", "1", "--jmh", "off", "--out", "lc.md");
        String md = Files.readString(dir.resolve("lc.md"));
        assertTrue(md.contains("\n| **least-connections (scored)** |"), md);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
