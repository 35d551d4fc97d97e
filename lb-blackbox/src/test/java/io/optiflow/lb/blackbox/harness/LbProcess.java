package io.optiflow.lb.blackbox.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code lb-server/target/quarkus-app/quarkus-run.jar}) as an operator runs it: its own JVM,
 * started on free loopback ports with {@code -D} settings, its log in a file. Every wait is bounded; {@link #close()}
 * kills the process if it still runs.
 *
 * <p>Credentials: user {@value #OPERATOR} with {@value #OPERATOR_PASSWORD} (operator) and {@value #VIEWER} with
 * {@value #VIEWER_PASSWORD} (viewer), unless {@link Builder#generatedPassword()} leaves the admin password out.
 */
public final class LbProcess implements AutoCloseable {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /** The data plane's byte-path setting: given to the test JVM ({@code mvn -Dlb.proxy.byte-forwarding=false ...}),
     * it is passed on to every server. */
    private static final String BYTE_FORWARDING = "lb.proxy.byte-forwarding";

    public static final String OPERATOR = "admin";
    public static final String OPERATOR_PASSWORD = "bb-operator-pw";
    public static final String VIEWER = "viewer";
    public static final String VIEWER_PASSWORD = "bb-viewer-pw";
    private static final long START_SECONDS = 60;

    private final Process process;
    private final Path log;
    private final int adminPort;
    private final int proxyPort;
    private final Path dataDir;
    private int adminTlsPort = -1;

    private LbProcess(Process process, Path log, int adminPort, int proxyPort, Path dataDir) {
        this.process = process;
        this.log = log;
        this.adminPort = adminPort;
        this.proxyPort = proxyPort;
        this.dataDir = dataDir;
    }

    /** A server whose files (log, data folder, plug-ins folder) live under {@code root}. */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** The quarkus-app folder of the packaged server (system property {@code lb.server.app}, set by the build). */
    public static Path appDir() {
        String dir = System.getProperty("lb.server.app");
        Path app = dir == null ? Path.of("..", "lb-server", "target", "quarkus-app") : Path.of(dir);
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(app.toAbsolutePath() + "/quarkus-run.jar is missing: run the suite"
                    + " through 'mvn verify' (or -pl lb-server,lb-blackbox -am), which packages the server first");
        }
        return app;
    }

    /** Starts the server and sets what it is started with. */
    public static final class Builder {
        private final Path root;
        private final Map<String, String> props = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private String name = "lb";
        private Path dataDir;
        private boolean generatedPassword;
        private int adminTlsPort = -1;

        private Builder(Path root) {
            this.root = root;
            this.dataDir = root.resolve("data");
        }

        /** Name of the log file ({@code <name>.log} under the root). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** A {@code -D} setting of the server. */
        public Builder property(String key, String value) {
            props.put(key, value);
            return this;
        }

        /** The data folder ({@code root/data} unless set). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** A JVM option (heap size, GC) of the server's JVM. */
        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /**
         * The admin plane on HTTPS only (Quarkus' own settings: {@code quarkus.http.ssl.*}, plain HTTP disabled), on
         * a free port of its own: {@link LbProcess#adminTlsPort}.
         */
        public Builder adminTls(Path certFile, Path keyFile) {
            adminTlsPort = freePort();
            props.put("quarkus.http.ssl-port", Integer.toString(adminTlsPort));
            props.put("quarkus.http.ssl.certificate.files", certFile.toString());
            props.put("quarkus.http.ssl.certificate.key-files", keyFile.toString());
            props.put("quarkus.http.insecure-requests", "disabled");
            return this;
        }

        /** No admin password configured: the server generates one and prints it once. */
        public Builder generatedPassword() {
            this.generatedPassword = true;
            return this;
        }

        /** Starts the process and waits (at most 60 s) until both planes accept connections. */
        public LbProcess start() {
            try {
                Files.createDirectories(root);
                int admin = freePort();
                int proxy = freePort();
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(jvmArgs);
                Map<String, String> all = new LinkedHashMap<>();
                all.put("quarkus.http.host", "127.0.0.1");
                all.put("quarkus.http.port", Integer.toString(admin));
                all.put("lb.proxy.host", "127.0.0.1");
                all.put("lb.proxy.port", Integer.toString(proxy));
                all.put("lb.data.dir", dataDir.toString());
                all.put("lb.plugins.dir", root.resolve("plugins").toString());
                if (!generatedPassword) {
                    all.put("lb.admin.password", OPERATOR_PASSWORD);
                }
                all.put("lb.admin.users." + VIEWER + ".password", VIEWER_PASSWORD);
                all.put("lb.admin.users." + VIEWER + ".role", "viewer");
                // The suites run on the decoded HTTP/1.1 path too: mvn ... -Dlb.proxy.byte-forwarding=false
                String bytePath = System.getProperty(BYTE_FORWARDING);
                if (bytePath != null) {
                    all.put(BYTE_FORWARDING, bytePath);
                }
                all.putAll(props);
                all.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
                cmd.add("-jar");
                cmd.add(appDir().resolve("quarkus-run.jar").toAbsolutePath().toString());
                Path logFile = root.resolve(name + ".log");
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
                LbProcess lb = new LbProcess(p, logFile, admin, proxy, dataDir);
                lb.adminTlsPort = adminTlsPort;
                lb.awaitListening(adminTlsPort > 0 ? adminTlsPort : admin);
                return lb;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void awaitListening(int adminListener) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        // Quarkus opens the admin port after the start-up observers ran, the data plane's included.
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + " during start-up:\n"
                        + tail(6000));
            }
            if (accepts(adminListener) && accepts(proxyPort)) {
                return;
            }
            sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the server did not listen within " + START_SECONDS + " s:\n" + tail(6000));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int adminPort() {
        return adminPort;
    }

    /** The HTTPS port of the admin plane ({@link Builder#adminTls}), or -1. */
    public int adminTlsPort() {
        return adminTlsPort;
    }

    public int proxyPort() {
        return proxyPort;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** An admin client as the operator. */
    public AdminApi admin() {
        return new AdminApi(adminPort, OPERATOR, OPERATOR_PASSWORD);
    }

    /** An admin client as the viewer. */
    public AdminApi viewer() {
        return new AdminApi(adminPort, VIEWER, VIEWER_PASSWORD);
    }

    /** The whole log so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code chars} characters of the log, for failure messages. */
    public String tail(int chars) {
        String text = logText();
        return "--- " + log.getFileName() + " ---\n" + (text.length() > chars ? text.substring(text.length() - chars)
                : text);
    }

    /** SIGKILL: no shutdown hook, no flush. Waits (at most 10 s) until the process is gone. */
    public void kill9() {
        process.destroyForcibly();
        awaitExit(10);
    }

    /** SIGTERM, a graceful stop; SIGKILL after 30 s. */
    public void stop() {
        process.destroy();
        if (!awaitExit(30)) {
            kill9();
        }
    }

    private boolean awaitExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }

    /**
     * A port free now on the loopback address, and never handed out before in this JVM. The probe socket is closed
     * before the server binds, so two probes can name the same port: a start that got the same port for its admin
     * and its data plane saw the data plane accept on both, and sent admin requests to it (the admin plane's bind
     * failed a moment later).
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no port that was not handed out before, after 1000 probes");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
