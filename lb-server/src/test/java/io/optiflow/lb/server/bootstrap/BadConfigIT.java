package io.optiflow.lb.server.bootstrap;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.FreePorts;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged server ({@code target/quarkus-app/quarkus-run.jar}) started with a bad {@code -D}: it must stop with a
 * non-zero exit code and a message naming the key. Each process is bounded in time and killed if it hangs.
 */
@Timeout(180)
class BadConfigIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    /** Runs the jar with {@code props}; returns exit code and output. */
    private static Object[] run(String... props) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build the app first (mvn -pl lb-server package): " + JAR);
        Path data = Files.createTempDirectory("lb-badconfig");
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "-Dlb.proxy.host=127.0.0.1", "-Dlb.proxy.port=" + FreePorts.take(),
                "-Dquarkus.http.port=" + FreePorts.take(), "-Dlb.data.dir=" + data, "-Dlb.admin.password=x-test-pw"));
        for (String p : props) {
            cmd.add("-D" + p);
        }
        cmd.add("-jar");
        cmd.add(JAR.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                return new Object[] {null, "did not stop within 90 s"};
            }
            return new Object[] {p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)};
        } finally {
            p.destroyForcibly();
        }
    }

    private static void assertStopsNaming(String expected, String... props) throws Exception {
        Object[] r = run(props);
        assertTrue(r[0] != null, (String) r[1]);
        assertNotEquals(0, (int) r[0], "start-up must fail: " + r[1]);
        assertTrue(((String) r[1]).contains(expected), "output must say: " + expected + "\n---\n" + r[1]);
    }

    @Test
    void unknownStrategy_exitNonZero_messageNamesKey() throws Exception {
        assertStopsNaming("lb.services.web.strategy: unknown strategy 'fastest'",
                "lb.services.web.backends=http://127.0.0.1:9", "lb.services.web.strategy=fastest");
    }

    @Test
    void badBackendUrl_exitNonZero_messageNamesKey() throws Exception {
        assertStopsNaming("lb.services.web.backends: ", "lb.services.web.backends=ftp://127.0.0.1:9");
    }

    @Test
    void badStrategyConfig_exitNonZero_messageNamesKey() throws Exception {
        assertStopsNaming("lb.services.web.strategy-config.bogus", "lb.services.web.backends=http://127.0.0.1:9",
                "lb.services.web.strategy-config.bogus=1");
    }

    @Test
    void accessLogInMissingFolder_exitNonZero_messageNamesKey() throws Exception {
        Path missing = Files.createTempDirectory("lb-badconfig").resolve("no-such-folder").resolve("access.log");
        assertStopsNaming("lb.access-log.path: '" + missing + "' (expected: a file in an existing folder",
                "lb.access-log.enabled=true", "lb.access-log.path=" + missing);
    }
}
