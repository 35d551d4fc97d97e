package io.optiflow.lb.server.admin;

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
import java.util.concurrent.TimeUnit;

/**
 * One packaged server ({@code target/quarkus-app/quarkus-run.jar}) as a replica of a cluster: its own free admin
 * and proxy ports, data folder and log, started with the given {@code -D} settings and stopped by its own PID.
 */
final class PackagedReplica implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static final String PASSWORD = "it-operator-pw";
    private static final long START_SECONDS = 90;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String id;
    final int adminPort;
    final int proxyPort;
    private final Path log;
    private final Process process;

    /** Starts it (does not wait: see {@link #awaitReady}). */
    PackagedReplica(String id, Path root, List<String> settings) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run through 'mvn verify', which"
                    + " packages the server first");
        }
        this.id = id;
        this.adminPort = FreePorts.take();
        this.proxyPort = FreePorts.take();
        this.log = root.resolve(id + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + adminPort,
                "-Dlb.proxy.host=127.0.0.1", "-Dlb.proxy.port=" + proxyPort, "-Dlb.proxy.instances=1",
                "-Dlb.data.dir=" + root.resolve(id + "-data"), "-Dlb.plugins.dir=" + root.resolve("plugins"),
                "-Dlb.admin.password=" + PASSWORD, "-Dlb.state.replica-id=" + id));
        cmd.addAll(settings);
        cmd.add("-jar");
        cmd.add(JAR.toAbsolutePath().toString());
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("replica " + id + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (admin("GET", "/api/v1/services", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replica " + id + " was not ready within " + START_SECONDS + " s:\n" + log());
    }

    HttpResponse<String> admin(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + auth)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request through its data plane. */
    HttpResponse<String> proxy(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String log() {
        try {
            String text = Files.readString(log);
            return "--- " + id + " (last 4000 chars) ---\n"
                    + (text.length() > 4000 ? text.substring(text.length() - 4000) : text);
        } catch (IOException e) {
            return "(no log for " + id + ": " + e + ")";
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

    /** Waits for each replica in turn (they start at once, in parallel). */
    static void awaitAllReady(List<PackagedReplica> replicas) throws Exception {
        for (PackagedReplica r : replicas) {
            r.awaitReady();
        }
    }

    /** Stops the replicas, then {@code others} (null ones skipped), then deletes {@code root}. */
    static void stopAll(Path root, List<PackagedReplica> replicas, AutoCloseable... others) throws Exception {
        for (PackagedReplica r : replicas) {
            r.close();
        }
        for (AutoCloseable c : others) {
            if (c != null) {
                c.close();
            }
        }
        if (root != null) {
            try (java.util.stream.Stream<Path> files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

}
