package io.optiflow.lb.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The images' probe script ({@code src/main/docker/probe}, what the Kubernetes probes exec) against the real admin
 * plane of the packaged server, configured the way the manifest configures the pod: a viewer user {@code monitor}
 * from environment variables, the probe's credentials from {@code LB_PROBE_USER}/{@code LB_PROBE_PASSWORD}.
 */
@Timeout(120)
class ProbeScriptIT {

    private static final String PROBE = Path.of("src", "main", "docker", "probe").toAbsolutePath().toString();
    private static final String MONITOR_PASSWORD = "mon\"it\\or pw";
    private static Path root;
    private static PackagedServer server;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("optiflow-probe-it");
        server = new PackagedServer(root, Map.of("LB_ADMIN_USERS_MONITOR_PASSWORD", MONITOR_PASSWORD,
                "LB_ADMIN_USERS_MONITOR_ROLE", "viewer"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Object[] probe(String path, String password) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(server.adminPort));
        env.put("LB_PROBE_USER", "monitor");
        if (password != null) {
            env.put("LB_PROBE_PASSWORD", password);
        }
        return PackagedServer.run(List.of("/bin/sh", PROBE, path), env);
    }

    @Test
    void probe_rightCredentials_exitsZeroOnEachHealthPath() throws Exception {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started")) {
            Object[] r = probe(path, MONITOR_PASSWORD);
            assertEquals(0, r[0], path + ": " + r[1] + "\n" + server.logTail());
        }
    }

    @Test
    void probe_wrongPassword_failsSaying401() throws Exception {
        Object[] r = probe("/q/health/live", "not-it");
        assertNotEquals(0, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("401"), "curl should say why: " + r[1]);
    }

    @Test
    void probe_noPassword_failsNamingTheVariable() throws Exception {
        Object[] r = probe("/q/health/live", null);
        assertNotEquals(0, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("LB_PROBE_PASSWORD"), (String) r[1]);
    }

    @Test
    void probe_passwordNeverOnACommandLine() throws Exception {
        String script = Files.readString(Path.of(PROBE));
        assertFalse(script.matches("(?s).*curl[^\\n]*(-u|--user)\\b.*"), "curl must read the credentials from stdin");
        assertTrue(script.contains("--config -"), script);
    }
}
