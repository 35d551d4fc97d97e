package io.optiflow.lb.archetype;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;

/**
 * The packaged balancer ({@code lb-server/target/quarkus-app/quarkus-run.jar}) started the way
 * docs/writing-a-strategy.md section 7 starts it: demo on, admin password from {@code LB_ADMIN_PASSWORD}, data and
 * plug-ins folders at their defaults under the working directory. Only the ports differ (free ones, on loopback).
 * {@link #close()} kills the process it started, and nothing else.
 */
final class PackagedServer implements AutoCloseable {

    private static final long START_SECONDS = 60;
    private static final String USER = "admin";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path workDir;
    private final Path log;
    private final String password;
    private final int adminPort;
    private final int proxyPort;
    private final Process process;

    private PackagedServer(Path jar, Path workDir, String password) throws IOException {
        this.workDir = workDir;
        this.log = workDir.resolve("server.log");
        this.password = password;
        this.adminPort = freePort();
        this.proxyPort = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlb.demo.enabled=true", "-Dquarkus.http.port=" + adminPort, "-Dlb.proxy.host=127.0.0.1",
                "-Dlb.proxy.port=" + proxyPort, "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("LB_ADMIN_PASSWORD", password);
        this.process = pb.start();
    }

    /** Starts the server in {@code workDir} and waits until its admin API answers. */
    static PackagedServer start(Path jar, Path workDir, String password) throws Exception {
        assertTrue(Files.isRegularFile(jar), () -> jar + " is missing (expected: lb-server packaged first; build"
                + " with mvn verify, or -pl lb-strategy-archetype -am)");
        PackagedServer s = new PackagedServer(jar, workDir, password);
        try {
            s.awaitReady();
        } catch (Exception | AssertionError e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), () -> "the server exited with " + process.exitValue() + ":\n" + logTail());
            try {
                if (admin("GET", "/api/v1/services/demo", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not answer within " + START_SECONDS + " s:\n" + logTail());
    }

    /** The plug-ins folder at its default, {@code plugins} under the working directory. */
    Path pluginsDir() {
        return workDir.resolve("plugins");
    }

    /** An admin API call as {@code admin}, like the docs' {@code curl -su admin:$LB_ADMIN_PASSWORD}. */
    HttpResponse<String> admin(String method, String path, String jsonBody) throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + auth)
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            r.header("Content-Type", "application/json");
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request through the proxy (the data plane). */
    HttpResponse<String> proxy(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The last 60 lines of the server's log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
