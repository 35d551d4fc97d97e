package io.optiflow.lb.server.admin;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for the tests: Debian's {@code dnsmasq} on a free loopback port, authoritative for
 * {@code svc.test} and nothing else (no upstream, no /etc/hosts), TTL 1 s. {@link #restart} serves new records:
 * the running process is stopped by its PID and a new one started on the same port.
 */
final class Dnsmasq implements AutoCloseable {

    static final String DOMAIN = "svc.test";

    /** An SRV record: {@code name} points to {@code target}:{@code port}. */
    record Srv(String name, String target, int port, int priority, int weight) {
    }

    /** A host record: {@code name} has the address {@code address} (an A record). */
    record Host(String name, String address) {
    }

    private final int port;
    private final Path log;
    private Process process;

    private Dnsmasq(int port, Path log) {
        this.port = port;
        this.log = log;
    }

    /** Starts one serving {@code hosts} and {@code srvs} on a free port (UDP and TCP). */
    static Dnsmasq start(Path dir, List<Host> hosts, List<Srv> srvs) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Dnsmasq d = new Dnsmasq(freePort(), dir.resolve("dnsmasq.log"));
            try {
                d.launch(hosts, srvs);
                return d;
            } catch (IOException e) {
                last = e; // the port was taken meanwhile: another one
            }
        }
        throw last;
    }

    int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, for {@code discovery.server}. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** Stops the server (queries go unanswered from now on) and starts it again with these records. */
    synchronized void restart(List<Host> hosts, List<Srv> srvs) throws IOException {
        stop();
        launch(hosts, srvs);
    }

    /** Stops the server by its PID; queries get no answer until the next {@link #restart}. */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy(); // SIGTERM to this PID only
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private synchronized void launch(List<Host> hosts, List<Srv> srvs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--no-poll", "--user=" + System.getProperty("user.name"),
                "--pid-file=", "--listen-address=127.0.0.1", "--bind-interfaces", "--port=" + port,
                "--local=/" + DOMAIN + "/", "--local-ttl=1", "--log-facility=" + log));
        for (Host h : hosts) {
            cmd.add("--host-record=" + h.name() + "," + h.address());
        }
        for (Srv s : srvs) {
            cmd.add("--srv-host=" + s.name() + "," + s.target() + "," + s.port() + "," + s.priority() + ","
                    + s.weight());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!listening()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("dnsmasq did not start on port " + port + ": " + tail());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException(e);
            }
        }
        process = p;
    }

    /** dnsmasq listens on TCP too: a connect that succeeds means it is up. */
    private boolean listening() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** A port free for both UDP and TCP on 127.0.0.1 right now. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int p = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (IOException e) {
                    // TCP side taken: try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
    }

    @Override
    public void close() {
        stop();
    }
}
