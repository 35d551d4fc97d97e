package io.optiflow.lb.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JVM image's AppCDS training script ({@code src/main/docker/appcds-train}, run by Dockerfile.jvm at image build)
 * with this JDK on the packaged server: it must start, serve and stop the server cleanly and leave an archive that a
 * later start of the same JAR maps ({@code -Xshare:on} refuses to start otherwise), with the data plane's classes
 * in it. No image is built here (no container engine); this is the part of the image build that can run.
 */
@Timeout(120)
class AppCdsTrainingIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    private Path root;

    @BeforeEach
    void createRoot() throws Exception {
        root = Files.createTempDirectory("optiflow-appcds-it");
    }

    @AfterEach
    void deleteRoot() throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void training_packagedServer_archiveMappedByTheNextStartWithTheDataPlanesClasses() throws Exception {
        Path archive = root.resolve("app-cds.jsa");
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", Path.of(ContainerImageIT.TRAIN).toAbsolutePath()
                .toString(), archive.toString(), JAR.toString())).redirectErrorStream(true)
                .redirectOutput(root.resolve("training.log").toFile());
        pb.environment().putAll(Map.of("JAVA", javaCommand(),
                "TRAIN_PROXY_PORT", Integer.toString(FreePorts.take()),
                "TRAIN_ADMIN_PORT", Integer.toString(FreePorts.take())));
        Process training = pb.start();
        try {
            assertTrue(training.waitFor(90, TimeUnit.SECONDS), "the training did not end within 90 s");
        } finally {
            training.destroyForcibly();
        }
        String log = Files.readString(root.resolve("training.log"));
        assertEquals(0, training.exitValue(), log);
        assertTrue(Files.size(archive) > 1_000_000, "archive of " + Files.size(archive) + " bytes:\n" + log);

        Path classLog = root.resolve("classes.log");
        Path serverRoot = Files.createDirectories(root.resolve("server"));
        try (PackagedServer server = new PackagedServer(serverRoot, Map.of("LB_DEMO_ENABLED", "true",
                "JAVA_TOOL_OPTIONS", "-Xshare:on -XX:SharedArchiveFile=" + archive
                        + " -Xlog:class+load=info:file=" + classLog))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.proxyPort + "/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            List<String> fromTop = new ArrayList<>();
            for (String line : Files.readAllLines(classLog)) {
                if (line.contains("shared objects file (top)")) {
                    fromTop.add(line);
                }
            }
            assertTrue(fromTop.stream().anyMatch(l -> l.contains(" io.optiflow.lb.server.proxy.DataPlane ")),
                    "the data plane's classes should come from the archive; " + fromTop.size()
                            + " classes did:\n" + String.join("\n", fromTop.subList(0, Math.min(20, fromTop.size()))));
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
