package io.optiflow.lb.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image definitions in {@code src/main/docker}, read statically: no container engine runs on the project's
 * machines, so no image is built here (docs/deployment.md says so). Runs after {@code package}, so the files the
 * Dockerfiles copy from {@code target/} are checked to exist and to pass {@code .dockerignore}.
 */
class ContainerImageIT {

    private static final Path DOCKER = Path.of("src", "main", "docker");
    /** Small bases: a JRE-only (runtime) image for the JVM, a minimal OS for the native executable; tag pinned. */
    private static final Set<String> SMALL_BASES = Set.of("registry.access.redhat.com/ubi9/openjdk-17-runtime",
            "registry.access.redhat.com/ubi9/ubi-minimal");
    private static final String PROBE = "src/main/docker/probe";
    static final String TRAIN = "src/main/docker/appcds-train";
    private static final String TRAIN_IN_IMAGE = "/deployments/bin/appcds-train";

    private static Dockerfile dockerfile(String name) throws IOException {
        return Dockerfile.read(DOCKER.resolve(name));
    }

    private static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
            p.load(r);
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void base_isOneSmallImageWithAPinnedTag(String name) throws IOException {
        Dockerfile d = dockerfile(name);
        assertEquals(1, d.all("FROM").size(), name + ": one stage expected, got " + d.all("FROM"));
        String from = d.last("FROM");
        int colon = from.lastIndexOf(':');
        assertTrue(colon > 0, name + ": FROM " + from + " has no tag (expected: a pinned tag)");
        assertTrue(SMALL_BASES.contains(from.substring(0, colon)), name + ": FROM " + from + " (expected one of "
                + SMALL_BASES + ")");
        assertTrue(from.substring(colon + 1).matches("\\d[\\w.-]*"), name + ": FROM " + from
                + " (expected: a version tag, not 'latest')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void user_isNumericAndNotRoot(String name) throws IOException {
        String user = dockerfile(name).last("USER");
        assertNotNull(user, name + ": no USER (the process would run as root)");
        assertTrue(user.matches("\\d+(:\\d+)?"), name + ": USER " + user
                + " (expected: a numeric uid, which Kubernetes' runAsNonRoot can check)");
        assertNotEquals(0, Integer.parseInt(user.split(":")[0]), name + ": USER " + user + " is root");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void ports_bothPlanesExposed(String name) throws IOException {
        Properties p = applicationProperties();
        List<Integer> exposed = dockerfile(name).exposedPorts();
        assertTrue(exposed.contains(Integer.parseInt(p.getProperty("lb.proxy.port"))), name + ": EXPOSE " + exposed
                + " lacks the data plane's lb.proxy.port");
        assertTrue(exposed.contains(Integer.parseInt(p.getProperty("quarkus.http.port"))), name + ": EXPOSE "
                + exposed + " lacks the admin plane's quarkus.http.port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void listeners_onEveryInterfaceOfTheContainer(String name) throws IOException {
        Map<String, String> env = dockerfile(name).env();
        assertEquals("0.0.0.0", env.get("LB_PROXY_HOST"), name + ": the data plane must listen on 0.0.0.0");
        assertEquals("0.0.0.0", env.get("QUARKUS_HTTP_HOST"), name + ": the admin plane must be reachable by the"
                + " kubelet and Prometheus (QUARKUS_HTTP_HOST)");
    }

    @Test
    void jvmImage_volumes_dataAndPluginsFolders() throws IOException {
        Dockerfile d = dockerfile("Dockerfile.jvm");
        Map<String, String> env = d.env();
        assertEquals(Set.of(env.get("LB_DATA_DIR"), env.get("LB_PLUGINS_DIR")), Set.copyOf(d.volumes()),
                "VOLUMEs must be exactly the data folder and the plug-ins folder the server is told to use");
    }

    @Test
    void nativeImage_volumes_dataFolderOnlyNoPluginsFolder() throws IOException {
        Dockerfile d = dockerfile("Dockerfile.native");
        // a native executable can't load plug-in JARs at run time, so no plug-ins volume invites them
        assertEquals(List.of(d.env().get("LB_DATA_DIR")), d.volumes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void entrypoint_execForm_soTheServerGetsSigterm(String name) throws IOException {
        Dockerfile d = dockerfile(name);
        String entrypoint = d.last("ENTRYPOINT");
        assertNotNull(entrypoint, name + ": no ENTRYPOINT");
        List<String> argv = Dockerfile.jsonArray(entrypoint);
        assertNotNull(argv, name + ": ENTRYPOINT " + entrypoint + " is shell form: /bin/sh would be PID 1 and"
                + " SIGTERM would not reach the server (expected: exec form, a JSON array)");
        assertFalse(argv.isEmpty(), name);
        assertTrue(d.all("CMD").isEmpty(), name + ": a CMD would be appended to the server's arguments");
    }

    @Test
    void jvmImage_flags_asThePerformanceWorkMeasured() throws IOException {
        Map<String, String> env = dockerfile("Dockerfile.jvm").env();
        // docs/benchmarks.md, "Which runtime and GC flags for the container image"
        assertEquals("-XX:+UseParallelGC", env.get("GC_CONTAINER_OPTIONS"), "the parallel collector (young pauses"
                + " of about 1 ms at 64 connections where G1's took 6-10 ms, and less CPU per proxied request)");
        List<String> opts = Dockerfile.words(env.getOrDefault("JAVA_OPTS_APPEND", ""));
        assertTrue(opts.contains("-Dio.netty.recycler.maxCapacityPerThread=0"), "Netty's recycler off: " + opts);
        assertTrue(opts.contains("-XX:+ExitOnOutOfMemoryError"), opts.toString());
        assertEquals("50", env.get("JAVA_MAX_MEM_RATIO"), "the heap at half the container's memory limit (resident"
                + " memory under 300 MB at a 512 MiB limit, measured): " + env);
    }

    @Test
    void jvmImage_appCds_archiveTrainedInTheImageAfterTheJarsOnTheJarItRuns() throws IOException {
        Dockerfile d = dockerfile("Dockerfile.jvm");
        Map<String, String> env = d.env();
        String archive = Dockerfile.words(env.getOrDefault("JAVA_OPTS_APPEND", "")).stream()
                .filter(o -> o.startsWith("-XX:SharedArchiveFile=")).map(o -> o.substring(o.indexOf('=') + 1))
                .findFirst().orElse(null);
        assertNotNull(archive, "JAVA_OPTS_APPEND names no -XX:SharedArchiveFile: " + env);
        List<Dockerfile.Instruction> training = d.all("RUN").stream()
                .filter(r -> r.args().contains(TRAIN_IN_IMAGE)).toList();
        assertEquals(1, training.size(), "one RUN of " + TRAIN_IN_IMAGE + " expected: " + d.all("RUN"));
        // the archive is only accepted for the JAR files, at the paths, that the training start ran
        assertTrue(training.get(0).args().contains(TRAIN_IN_IMAGE + " " + archive + " " + env.get("JAVA_APP_JAR")),
                training.get(0) + " (expected: " + TRAIN_IN_IMAGE + " <the SharedArchiveFile> <JAVA_APP_JAR>)");
        int trainedAt = d.instructions().indexOf(training.get(0));
        for (int i = trainedAt + 1; i < d.instructions().size(); i++) {
            String keyword = d.instructions().get(i).keyword();
            assertFalse(keyword.equals("COPY") || keyword.equals("ADD"), "a " + keyword + " after the training"
                    + " would change what the archive was made of: " + d.instructions().get(i));
        }
        assertTrue(d.copies().contains(List.of(TRAIN, TRAIN_IN_IMAGE)), "Dockerfile.jvm must copy " + TRAIN
                + " to " + TRAIN_IN_IMAGE);
        assertTrue(Files.isExecutable(Path.of(TRAIN)), TRAIN + " must be executable (COPY keeps the mode)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void copies_comeFromTheBuildAndPassDockerignore(String name) throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Path.of(".dockerignore"));
        for (List<String> copy : dockerfile(name).copies()) {
            for (String source : copy.subList(0, copy.size() - 1)) {
                List<String> files = expand(source);
                if (name.endsWith(".native") && source.endsWith("-runner")) {
                    files = List.of("target/lb-server-0.1.0-SNAPSHOT-runner"); // built by -Pnative only
                } else {
                    assertFalse(files.isEmpty(), name + ": COPY " + source + " matches nothing after 'mvn package'");
                }
                for (String f : files) {
                    assertFalse(ignore.excludes(f), name + ": COPY " + source + ": .dockerignore leaves " + f
                            + " out of the build context");
                }
            }
        }
    }

    @Test
    void probeScript_isExecutableAndCopiedToTheManifestsPath() throws IOException {
        assertTrue(Files.isExecutable(Path.of(PROBE)), PROBE + " must be executable (COPY keeps the mode)");
        for (String name : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            assertTrue(dockerfile(name).copies().contains(List.of(PROBE, KubernetesManifestIT.PROBE_IN_IMAGE)),
                    name + " must copy " + PROBE + " to " + KubernetesManifestIT.PROBE_IN_IMAGE
                            + " (the path the generated probes run)");
        }
    }

    /** Files under lb-server/ that a COPY source names ('*' within one folder level; a folder stands for itself). */
    private static List<String> expand(String source) throws IOException {
        String clean = source.replaceAll("/+$", "");
        Path base = Path.of(clean.contains("*") ? clean.substring(0, clean.lastIndexOf('/', clean.indexOf('*')))
                : clean);
        if (!clean.contains("*")) {
            return Files.exists(base) ? List.of(clean) : List.of();
        }
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + clean);
        try (Stream<Path> s = Files.list(base)) {
            return s.filter(m::matches).map(p -> p.toString().replace('\\', '/')).toList();
        }
    }
}
