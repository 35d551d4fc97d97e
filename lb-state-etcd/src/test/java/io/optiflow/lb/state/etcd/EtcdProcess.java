package io.optiflow.lb.state.etcd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd ({@code /usr/bin/etcd}, Debian's etcd-server) on free loopback ports with a data folder of its own,
 * for tests. {@link #stop} and {@link #start} keep ports and data, so a test can take it away and bring it back.
 * It is stopped by its own PID only.
 */
public final class EtcdProcess implements AutoCloseable {

    private static final Path ETCD = Path.of("/usr/bin/etcd");

    private final Path dir;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    private EtcdProcess(Path dir) throws IOException {
        this.dir = dir;
        this.clientPort = freePort();
        this.peerPort = freePort();
    }

    /** Starts etcd with its data in a new folder under {@code parent}; waits until it answers (30 s at most). */
    public static EtcdProcess start(Path parent) throws Exception {
        if (!Files.isExecutable(ETCD)) {
            throw new IllegalStateException(ETCD + " is missing: install Debian's etcd-server (.ci/packages)");
        }
        EtcdProcess e = new EtcdProcess(Files.createTempDirectory(parent, "etcd"));
        e.start();
        return e;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    public long pid() {
        return process.pid();
    }

    public synchronized void start() throws Exception {
        String peer = "http://127.0.0.1:" + peerPort;
        process = new ProcessBuilder(List.of(ETCD.toString(), "--name", "test", "--data-dir",
                dir.resolve("data").toString(), "--listen-client-urls", endpoint(), "--advertise-client-urls",
                endpoint(), "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster",
                "test=" + peer, "--log-level", "warn"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log")
                        .toFile())).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("true")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd did not answer within 30 s:\n" + log());
    }

    /** Stops it (SIGTERM, then SIGKILL after 10 s); data and ports stay for {@link #start}. */
    public synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("etcd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
