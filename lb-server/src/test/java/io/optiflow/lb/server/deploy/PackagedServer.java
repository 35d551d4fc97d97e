package io.optiflow.lb.server.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code target/quarkus-app/quarkus-run.jar}, built by {@code quarkus:build} before failsafe
 * runs) in a process of its own, on free loopback ports, with its own data folder under {@code root}. Settings are
 * given as environment variables, the way the images and the Kubernetes manifests give them. {@link #close()} kills
 * it if it still runs.
 */
final class PackagedServer implements AutoCloseable {

    static final String ADMIN_PASSWORD = "it-admin-pw";
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final long START_SECONDS = 60;

    final int proxyPort;
    final int adminPort;
    final Path log;
    final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PackagedServer(Path root, Map<String, String> env) throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: run through 'mvn verify', which"
                + " packages the server first");
        proxyPort = FreePorts.take();
        adminPort = FreePorts.take();
        log = root.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> e = pb.environment();
        e.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        e.put("QUARKUS_HTTP_PORT", Integer.toString(adminPort));
        e.put("LB_PROXY_HOST", "127.0.0.1");
        e.put("LB_PROXY_PORT", Integer.toString(proxyPort));
        e.put("LB_DATA_DIR", root.resolve("data").toString());
        e.put("LB_PLUGINS_DIR", root.resolve("plugins").toString());
        e.put("LB_ADMIN_PASSWORD", ADMIN_PASSWORD);
        e.putAll(env);
        process = pb.start();
        awaitReady();
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), "the server exited with " + (process.isAlive() ? "" : process.exitValue())
                    + ":\n" + logTail());
            try {
                if (admin("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server was not ready within " + START_SECONDS + " s:\n" + logTail());
    }

    /** GET on the admin plane as user admin. */
    HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Basic " + auth).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String logTail() {
        try {
            String text = Files.readString(log);
            return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a command to its end (at most 30 s); returns exit code and output. */
    static Object[] run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), command + " did not end within 30 s");
            return new Object[] {p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)};
        } finally {
            p.destroyForcibly();
        }
    }
}
