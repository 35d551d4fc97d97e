package io.optiflow.lb.server.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.FreePorts;
import io.optiflow.lb.server.dashboard.Browser;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The packaged server ({@code target/quarkus-app/quarkus-run.jar}, built by {@code quarkus:build} before failsafe runs)
 * as an operator runs it: acknowledged changes survive {@code kill -9}, a corrupt state file stops start-up and is
 * left as it was, a generated password is printed once. Every process is killed in {@link #cleanUp()}; every wait is
 * bounded.
 */
class AdminPersistenceIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final String PASSWORD = "it-operator-pw";
    private static final long START_SECONDS = 60;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> processes = new ArrayList<>();
    private final List<TestBackend> backends = new ArrayList<>();
    private Path root;
    private Path dataDir;
    private int adminPort;
    private int proxyPort;

    @BeforeEach
    void setUp() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: run through 'mvn verify', which"
                + " packages the server first");
        root = Files.createTempDirectory("optiflow-it");
        dataDir = root.resolve("data");
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        backends.forEach(TestBackend::close);
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void acknowledgedChanges_afterKill9AndRestart_areAllInForce() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TestBackend c = backend();
        List<String> args = serviceArgs(a, b);
        Process first = start("first", args, true);

        assertEquals(200, send("PUT", "/api/v1/services/shop/strategy",
                "{\"name\": \"least-connections\", \"config\": {\"respect-weights\": false}}").statusCode());
        assertEquals(200, send("PATCH", "/api/v1/services/shop/backends/" + a.id(),
                "{\"weight\": 5, \"state\": \"DRAINING\"}").statusCode());
        assertEquals(201, send("POST", "/api/v1/services/shop/backends",
                "{\"url\": \"" + c.url() + "\", \"weight\": 2}").statusCode());
        assertEquals(204, send("DELETE", "/api/v1/services/shop/backends/" + b.id(), null).statusCode());

        first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
        assertTrue(first.waitFor(10, TimeUnit.SECONDS), "the server did not die within 10 s of SIGKILL");

        start("second", args, true);
        JsonPath s = JsonPath.from(send("GET", "/api/v1/services/shop", null).body());
        assertEquals("least-connections", s.getString("strategy"));
        assertEquals("false", s.getString("strategyConfig.respect-weights"));
        assertEquals(List.of("strategy"), s.getList("overridden"));
        List<String> ids = s.getList("backends.id");
        assertEquals(List.of(a.id(), c.id()).stream().sorted().toList(), ids, s.prettify());
        assertEquals(5, s.getInt("backends.find { it.id == '" + a.id() + "' }.weight"));
        assertEquals("DRAINING", s.getString("backends.find { it.id == '" + a.id() + "' }.state"));
        assertEquals(2, s.getInt("backends.find { it.id == '" + c.id() + "' }.weight"));

        // Traffic follows the restored state: a is draining, b removed, so c answers.
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxyPort + "/after-restart-" + i))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(c.id(), r.body(), "request " + i);
        }

        JsonPath audit = JsonPath.from(send("GET", "/api/v1/audit", null).body());
        assertTrue(audit.getList("$").size() >= 4, "audit after restart: " + audit.prettify());
        assertEquals("admin", audit.getString("[0].actor"));
    }

    @Test
    void corruptStateFile_atStart_exitsNonZeroNamingTheFileAndLeavesItAsItWas() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        List<String> args = serviceArgs(a, b);
        Process first = start("first", args, true);
        assertEquals(200, send("PATCH", "/api/v1/services/shop/backends/" + a.id(), "{\"weight\": 4}")
                .statusCode());
        first.destroyForcibly();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));

        Path state = dataDir.resolve("state.json");
        assertTrue(Files.isRegularFile(state), "no state.json after an acknowledged change: " + listing());
        byte[] corrupt = "{\"services\": {\"shop\": [trailing garbage".getBytes(StandardCharsets.UTF_8);
        Files.write(state, corrupt);

        Process second = start("corrupt", args, false);
        assertTrue(second.waitFor(START_SECONDS, TimeUnit.SECONDS), "the server did not stop on a corrupt state file");
        assertNotEquals(0, second.exitValue(), "exit code on a corrupt state file");
        String log = Files.readString(root.resolve("corrupt.log"));
        assertTrue(log.contains(state.toAbsolutePath().toString()), "the log does not name " + state + ":\n" + log);
        assertArrayEquals(corrupt, Files.readAllBytes(state), "the corrupt state file was changed");
    }

    @Test
    void noPasswordConfigured_firstStart_generatesOnePrintedOnceAndKeptAsHash() throws Exception {
        TestBackend a = backend();
        List<String> args = new ArrayList<>(List.of("-Dlb.services.shop.backends=" + a.url(),
                "-Dlb.services.shop.health.enabled=false"));
        Process first = start("gen1", args, false);
        String password = awaitGeneratedPassword(first);
        awaitReady(first, "admin", password);

        Path file = dataDir.resolve("admin-credentials");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String stored = Files.readString(file);
        assertFalse(stored.contains(password), "the credentials file holds the password itself");
        assertTrue(stored.contains("PBKDF2"), stored);
        assertEquals(401, send("GET", "/api/v1/services", null, "admin", "wrong").statusCode());

        first.destroyForcibly();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
        Process second = start("gen2", args, false);
        awaitReady(second, "admin", password);
        String log = Files.readString(root.resolve("gen2.log"));
        assertFalse(log.contains(password), "the password was printed again at a later start");
        assertTrue(log.contains(file.toAbsolutePath().toString()), "a later start does not say where the password"
                + " came from:\n" + log);
    }

    @Test
    void dashboardLogin_acrossARestart_staysLoggedInAndTheSessionKeyIsNeverLogged() throws Exception {
        List<String> args = serviceArgs(backend());
        Process first = start("session1", args, true);
        try (Browser browser = new Browser("http://127.0.0.1:" + adminPort, 1280, 800)) {
            browser.login("admin", PASSWORD); // the first form login: where Quarkus would log a temporary key
            Path file = dataDir.resolve("session-key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String key = Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .findFirst().orElseThrow();
            first.destroyForcibly();
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));

            start("session2", args, true); // new ports; cookies are per host, not per port
            browser.driver().get("http://127.0.0.1:" + adminPort + "/");
            browser.await("the overview, still logged in after the restart (not the login page)", d -> !d
                    .findElements(By.cssSelector(".overview")).isEmpty());
            for (String run : List.of("session1", "session2")) {
                String log = Files.readString(root.resolve(run + ".log"));
                assertFalse(log.contains("Encryption key was not specified"), run + " logged a temporary key:\n"
                        + log);
                assertFalse(log.contains(key), run + " logged the session key");
            }
        }
    }

    // --- helpers ---

    private TestBackend backend() throws IOException {
        TestBackend t = new TestBackend();
        backends.add(t);
        return t;
    }

    private List<String> serviceArgs(TestBackend... bs) {
        StringBuilder urls = new StringBuilder();
        for (TestBackend t : bs) {
            urls.append(urls.length() == 0 ? "" : ",").append(t.url());
        }
        return new ArrayList<>(List.of("-Dlb.admin.password=" + PASSWORD, "-Dlb.services.shop.backends=" + urls,
                "-Dlb.services.shop.health.enabled=false", "-Dlb.services.shop.retry.attempts=0"));
    }

    /** Starts the packaged server on fresh free ports with {@link #dataDir}; waits until it answers if asked. */
    private Process start(String name, List<String> extra, boolean awaitReady) throws Exception {
        adminPort = FreePorts.take();
        proxyPort = FreePorts.take();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + adminPort,
                "-Dlb.proxy.host=127.0.0.1", "-Dlb.proxy.port=" + proxyPort,
                "-Dlb.data.dir=" + dataDir, "-Dlb.plugins.dir=" + root.resolve("plugins")));
        cmd.addAll(extra);
        cmd.add("-jar");
        cmd.add(JAR.toAbsolutePath().toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(root.resolve(name + ".log").toFile()).start();
        processes.add(p);
        if (awaitReady) {
            awaitReady(p, "admin", PASSWORD);
        }
        return p;
    }

    private void awaitReady(Process p, String user, String password) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "the server exited with " + (p.isAlive() ? "" : p.exitValue()) + ":\n" + logs());
            try {
                if (send("GET", "/api/v1/services", null, user, password).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server was not ready within " + START_SECONDS + " s:\n" + logs());
    }

    private String awaitGeneratedPassword(Process p) throws Exception {
        Pattern printed = Pattern.compile("user: admin\\s+password: (\\S+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "the server exited:\n" + logs());
            Matcher m = printed.matcher(Files.readString(root.resolve("gen1.log")));
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no generated password in the log within " + START_SECONDS + " s:\n" + logs());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, "admin", PASSWORD);
    }

    private HttpResponse<String> send(String method, String path, String body, String user, String password)
            throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + auth)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String listing() throws IOException {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.map(Path::toString).toList().toString();
        }
    }

    private String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(root)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                String text = Files.readString(log);
                sb.append("--- ").append(log.getFileName()).append(" (last 4000 chars) ---\n")
                        .append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
            }
        }
        return sb.toString();
    }
}
