package io.optiflow.lb.server.admin;

import io.optiflow.lb.server.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis ({@code /usr/bin/redis-server}, Debian's redis-server) on a free loopback port, without persistence,
 * for tests; {@link #stop} and {@link #start} keep the port. Stopped by its own PID only.
 */
public final class RedisProcess implements AutoCloseable {

    private static final Path REDIS = Path.of("/usr/bin/redis-server");

    private final int port;
    private final Path log;
    private Process process;

    RedisProcess(Path dir) throws Exception {
        this(dir, FreePorts.take());
    }

    /** On a port chosen before (a server configured with it may be started first, with Redis down). */
    public RedisProcess(Path dir, int port) throws Exception {
        if (!Files.isExecutable(REDIS)) {
            throw new IllegalStateException(REDIS + " is missing: install Debian's redis-server (.ci/packages)");
        }
        this.port = port;
        this.log = dir.resolve("redis.log");
        start();
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized void start() throws Exception {
        process = new ProcessBuilder(List.of(REDIS.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(log));
            }
            if (pings()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("redis-server did not answer PING within 20 s: " + Files.readString(log));
    }

    private boolean pings() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
