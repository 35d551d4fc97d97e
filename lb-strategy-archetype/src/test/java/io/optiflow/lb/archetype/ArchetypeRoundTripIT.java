package io.optiflow.lb.archetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.testkit.ManualTicker;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a contributor does, end to end and offline, as docs/writing-a-strategy.md says it: {@code mvn
 * archetype:generate} with this build's archetype into a temporary folder; {@code mvn verify} in the new project,
 * which must pass as generated; the scorecard ({@code lb-bench/target/lb-scorecard.jar}) on its JAR; the JAR
 * dropped into the plug-ins folder of the packaged server (demo on) and the demo service switched to it.
 *
 * <p>Nothing is installed into the shared {@code ~/.m2}: the parent POM, lb-api, lb-testkit and the archetype just
 * built are laid out in a local repository of the test's own ({@code target/archetype-it/repository}); every other
 * artifact comes from the outer build's local repository through a {@code file:} mirror, with Maven offline (file
 * repositories allowed). This module resolves its own test class path like the generated project, without the
 * parent's BOMs, so the outer build has downloaded all of it on a fresh machine before this runs.
 */
class ArchetypeRoundTripIT {

    private static final String GROUP = "io.optiflow";
    private static final String VERSION = property("it.version");
    private static final Path ROOT = Path.of(property("it.rootDir")).normalize();
    private static final Path WORK = Path.of(property("it.workDir"));
    private static final long MAVEN_TIMEOUT_SECONDS = 300;
    /** The generated project's JAR: artifactId least-failing, the archetype's default version. */
    private static final String GENERATED_JAR = "least-failing-1.0.0-SNAPSHOT.jar";

    @Test
    void contributorJourney_generateVerifyScoreDropInSwitch_eachStepAsDocumented() throws Exception {
        deleteRecursively(WORK);
        Path repo = Files.createDirectories(WORK.resolve("repository"));
        install(repo, "optiflow-lb-parent", ROOT.resolve("pom.xml"), null);
        install(repo, "lb-api", ROOT.resolve("lb-api/pom.xml"), codeSource(Backend.class));
        install(repo, "lb-testkit", ROOT.resolve("lb-testkit/pom.xml"), codeSource(ManualTicker.class));
        install(repo, "lb-strategy-archetype", Path.of(property("it.archetypePom")),
                Path.of(property("it.archetypeJar")));
        Path settings = writeSettings(WORK.resolve("settings.xml"), Path.of(property("it.outerRepository")));

        Path parent = Files.createTempDirectory("lb-archetype-it");
        long t0 = System.nanoTime();
        Path project = generate(parent, repo, settings);
        long t1 = System.nanoTime();
        Path jar = verify(project, repo, settings);
        long t2 = System.nanoTime();
        score(project, jar);
        long t3 = System.nanoTime();
        dropInAndSwitch(jar, Files.createDirectories(parent.resolve("balancer")));
        long t4 = System.nanoTime();
        System.out.printf(Locale.ROOT, "contributor journey: generate %.1f s, verify %.1f s, scorecard %.1f s,"
                + " drop-in and switch %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9);
        deleteRecursively(parent); // kept when anything above failed, for a look
    }

    /** Section 0: {@code mvn archetype:generate}, version, strategyName and classPrefix left to their defaults. */
    private static Path generate(Path parent, Path repo, Path settings) throws Exception {
        // -B (always given by run) makes it non-interactive, as in the docs
        run(parent, repo, settings, "generate",
                "org.apache.maven.plugins:maven-archetype-plugin:" + property("it.archetypePluginVersion")
                        + ":generate",
                "-DarchetypeGroupId=" + GROUP, "-DarchetypeArtifactId=lb-strategy-archetype",
                "-DarchetypeVersion=" + VERSION, "-DarchetypeCatalog=local",
                "-DgroupId=com.example.lb", "-DartifactId=least-failing", "-Dpackage=com.example.lb.leastfailing");
        Path project = parent.resolve("least-failing");
        Path sources = project.resolve("src/main/java/com/example/lb/leastfailing");
        for (String cls : List.of("Provider", "Config", "Strategy", "Picker")) {
            assertTrue(Files.isRegularFile(sources.resolve("LeastFailing" + cls + ".java")),
                    () -> "not generated: LeastFailing" + cls + ".java in " + sources);
        }
        assertEquals("com.example.lb.leastfailing.LeastFailingProvider", Files.readString(project.resolve(
                "src/main/resources/META-INF/services/io.optiflow.lb.api.spi.StrategyProvider")).trim());
        String provider = Files.readString(sources.resolve("LeastFailingProvider.java"));
        assertTrue(provider.contains("NAME = \"least-failing\""), "strategy name not derived from the artifactId");
        return project;
    }

    /** Sections 5 and 6: {@code mvn verify} in the new folder passes as generated; the JAR holds only the plug-in. */
    private static Path verify(Path project, Path repo, Path settings) throws Exception {
        run(project, repo, settings, "verify", "verify");
        int[] contract = testCounts(project, "LeastFailingContractTest");
        int[] all = testCounts(project, null);
        assertTrue(contract[0] >= 13, () -> "contract tests run: " + contract[0] + " (expected: at least 13)");
        assertTrue(all[0] >= 30, () -> "tests run in the generated project: " + all[0] + " (expected: at least 30)");
        assertEquals(0, all[1], "failed tests in the generated project");

        Path jar = project.resolve("target").resolve(GENERATED_JAR);
        assertTrue(Files.isRegularFile(jar), () -> "no " + jar + " (expected: the JAR the docs copy and score)");
        try (JarFile j = new JarFile(jar.toFile())) {
            assertTrue(j.getEntry("com/example/lb/leastfailing/LeastFailingProvider.class") != null,
                    "provider missing from the JAR");
            assertTrue(j.getEntry("META-INF/services/io.optiflow.lb.api.spi.StrategyProvider") != null,
                    "service file missing from the JAR");
            assertFalse(j.stream().anyMatch(e -> e.getName().startsWith("io/optiflow/lb/api/")),
                    "lb-api classes in the plug-in JAR (expected: provided scope keeps them out)");
        }
        return jar;
    }

    /**
     * Section 8: the scorecard command of the docs and of the generated README, with {@code --quick} (one seed, a
     * short JMH run) to keep the build fast: a bold row in each of the five scenario tables and a pick cost.
     */
    private static void score(Path project, Path jar) throws Exception {
        Path scorecard = Path.of(property("it.scorecardJar"));
        assertTrue(Files.isRegularFile(scorecard), () -> scorecard + " is missing (expected: lb-bench packaged"
                + " first; build with mvn verify, or -pl lb-strategy-archetype -am)");
        Path log = WORK.resolve("scorecard.log");
        Process p = new ProcessBuilder(java(), "-jar", scorecard.toString(), "--plugin", jar.toString(),
                "--strategy", "least-failing", "--config", "failure-backoff=5s", "--quick", "--out", "scorecard.md")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(MAVEN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("lb-scorecard still running after " + MAVEN_TIMEOUT_SECONDS + " s; log: " + log + "\n" + tail(log));
        }
        assertEquals(0, p.exitValue(), () -> "lb-scorecard exited " + p.exitValue() + ":\n" + tailQuietly(log));
        String md = Files.readString(project.resolve("scorecard.md"));
        assertTrue(md.contains("| config | failure-backoff=5s |"), () -> "config not in the report:\n" + md);
        assertEquals(7, count(md, "\n| **least-failing** | "), () -> "expected a bold row in each of the five"
                + " scenario tables and two in the pick cost (8 and 1000 backends):\n" + md);
        Matcher cost = Pattern.compile("\\| \\*\\*least-failing\\*\\* \\| 8 \\| ([0-9.]+) \\| [^|]+ \\| ([0-9.]+) \\|")
                .matcher(md);
        assertTrue(cost.find(), () -> "no pick-cost row with figures:\n" + md);
        assertTrue(Double.parseDouble(cost.group(1)) > 0, "a time per pick");
        // the archetype's skeleton keeps the request-path rule it teaches: no object per pick
        assertTrue(Double.parseDouble(cost.group(2)) < 16, () -> "bytes per pick: " + cost.group(2));
    }

    /**
     * Section 7: the packaged balancer runs the demo; the JAR copied into its plug-ins folder is listed within
     * seconds, a bad config is refused with the plug-in's own message, and after the switch the plug-in carries the
     * demo service's traffic to every backend.
     */
    private static void dropInAndSwitch(Path jar, Path balancerDir) throws Exception {
        String strategy = "least-failing";
        try (PackagedServer lb = PackagedServer.start(Path.of(property("it.serverJar")), balancerDir, "it-kit-pw")) {
            assertFalse(names(lb).contains(strategy), "listed before its JAR was dropped: the test would prove nothing");
            Files.createDirectories(lb.pluginsDir());
            Files.copy(jar, lb.pluginsDir().resolve(jar.getFileName()));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!names(lb).contains(strategy)) {
                assertTrue(System.nanoTime() < deadline, () -> strategy + " not listed 10 s after its JAR was dropped"
                        + " into " + lb.pluginsDir() + "; server log:\n" + lb.logTail());
                Thread.sleep(100);
            }
            String listed = lb.admin("GET", "/api/v1/strategies", null).body();
            assertTrue(Pattern.compile("\"source\"\\s*:\\s*\"" + Pattern.quote(jar.getFileName().toString()) + "\"")
                    .matcher(listed).find(), () -> "the plug-in's source is not its JAR's file name: " + listed);

            HttpResponse<String> bad = lb.admin("PUT", "/api/v1/services/demo/strategy",
                    "{\"name\": \"least-failing\", \"config\": {\"failure-backoff\": \"forever\"}}");
            assertEquals(400, bad.statusCode(), bad::body);
            assertTrue(bad.body().contains("failure-backoff: 'forever' (expected:"), bad::body);

            HttpResponse<String> ok = lb.admin("PUT", "/api/v1/services/demo/strategy",
                    "{\"name\": \"least-failing\", \"config\": {\"failure-backoff\": \"5s\"}}");
            assertEquals(200, ok.statusCode(), ok::body);
            String service = lb.admin("GET", "/api/v1/services/demo", null).body();
            assertTrue(Pattern.compile("\"strategy\"\\s*:\\s*\"least-failing\"").matcher(service).find(),
                    () -> "the demo service after the switch: " + service);

            Set<String> answered = new TreeSet<>();
            for (int i = 0; i < 60; i++) {
                String path = "/journey-" + i;
                HttpResponse<String> r = lb.proxy(path);
                assertEquals(200, r.statusCode(), () -> path + " through the proxy: " + r.body());
                answered.add(r.body().trim());
            }
            // the demo's three backends (one ~30 ms slower): two random draws per pick reach each of them
            assertEquals(3, answered.size(), () -> "backends that answered 60 requests: " + answered);
        }
    }

    private static List<String> names(PackagedServer lb) throws Exception {
        HttpResponse<String> r = lb.admin("GET", "/api/v1/strategies", null);
        assertEquals(200, r.statusCode(), r::body);
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\"name\"\\s*:\\s*\"([a-z0-9-]+)\"").matcher(r.body());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * The generated project pins the plug-in versions of this build; the outer build downloads them only because
     * its other modules use the same ones. A parent that moves on without this module would leave the offline
     * round trip (and contributors) on versions a fresh machine does not have.
     */
    @Test
    void versions_matchTheParentPom() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        String hint = " (expected: lb-strategy-archetype/pom.xml's property in step with the parent's)";
        assertEquals(parentProperty(pom, "compiler-plugin.version"), property("it.compilerPluginVersion"),
                "maven-compiler-plugin" + hint);
        assertEquals(parentProperty(pom, "surefire-plugin.version"), property("it.surefirePluginVersion"),
                "maven-surefire-plugin" + hint);
        assertEquals(parentProperty(pom, "archunit.version"), property("it.archunitVersion"), "archunit" + hint);
        assertEquals(managedPluginVersion(pom, "maven-jar-plugin"), property("it.jarPluginVersion"),
                "maven-jar-plugin" + hint);
        assertEquals(managedPluginVersion(pom, "maven-resources-plugin"), property("it.resourcesPluginVersion"),
                "maven-resources-plugin" + hint);
        assertEquals(managedPluginVersion(pom, "maven-install-plugin"), property("it.installPluginVersion"),
                "maven-install-plugin" + hint);
        assertEquals(parentProperty(pom, "version"), VERSION, "project version" + hint);
    }

    /**
     * The commands of docs/writing-a-strategy.md name what the journey above runs: the archetype's version, the
     * generated JAR, the packaged server and the scorecard JAR.
     */
    @Test
    void docs_writingAStrategyCommands_nameWhatTheJourneyRuns() throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/writing-a-strategy.md"));
        Matcher version = Pattern.compile("-DarchetypeVersion=(\\S+)").matcher(doc);
        assertTrue(version.find(), "no -DarchetypeVersion in the doc");
        assertEquals(VERSION, version.group(1), "-DarchetypeVersion in section 0 (expected: this build's version)");
        Matcher jars = Pattern.compile("least-failing-[\\w.-]+\\.jar").matcher(doc);
        int n = 0;
        while (jars.find()) {
            assertEquals(GENERATED_JAR, jars.group(), "a JAR name in the doc (expected: the generated project's)");
            n++;
        }
        assertTrue(n >= 3, () -> "the generated JAR is named in sections 6, 7 and 8");
        for (String key : List.of("it.serverJar", "it.scorecardJar")) {
            String relative = ROOT.relativize(Path.of(property(key)).normalize()).toString();
            assertTrue(doc.contains("-jar " + relative), () -> "the doc does not run " + relative);
        }
    }

    /**
     * docs/writing-a-strategy.md, section 6, shows the POM the archetype generates: every artifact it gives a
     * version has the same version in the generated one, so the page stays true when versions move.
     */
    @Test
    void docs_writingAStrategyPom_sameVersionsAsTheGeneratedPom() throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/writing-a-strategy.md"));
        int section = doc.indexOf("## 6. Building the JAR");
        int start = doc.indexOf("```xml", section);
        int end = doc.indexOf("```", start + 6);
        assertTrue(section >= 0 && start > section && end > start, "no POM in section 6 of writing-a-strategy.md");
        Map<String, String> documented = versions(doc.substring(start, end));
        documented.remove("least-failing"); // the example project's own coordinates
        Map<String, String> generated = versions(Files.readString(
                Path.of(property("it.archetypeJar")).resolveSibling("classes/archetype-resources/pom.xml")));
        assertTrue(documented.size() >= 9, () -> "versions found in the documented POM: " + documented);
        for (Map.Entry<String, String> e : documented.entrySet()) {
            assertEquals(generated.get(e.getKey()), e.getValue(), () -> e.getKey() + " in docs/writing-a-strategy.md"
                    + " section 6 (expected: the generated pom.xml's version)");
        }
    }

    /** artifactId to version (properties resolved) of every artifact of a POM that names its version. */
    private static Map<String, String> versions(String pom) {
        Map<String, String> props = new HashMap<>();
        Matcher p = Pattern.compile("<([\\w.-]+)>([^<$]*)</\\1>").matcher(
                pom.substring(Math.max(0, pom.indexOf("<properties>")), Math.max(0, pom.indexOf("</properties>"))));
        while (p.find()) {
            props.put(p.group(1), p.group(2).trim());
        }
        Map<String, String> out = new TreeMap<>();
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        while (m.find()) {
            String v = m.group(2).trim();
            if (v.startsWith("${") && v.endsWith("}")) {
                v = props.getOrDefault(v.substring(2, v.length() - 1), v);
            }
            out.put(m.group(1), v);
        }
        return out;
    }

    // ------------------------------------------------------------------ Maven

    private static void run(Path dir, Path repo, Path settings, String label, String... goals)
            throws IOException, InterruptedException {
        Path mvn = Path.of(property("it.mavenHome"), "bin", "mvn");
        List<String> cmd = new ArrayList<>(List.of(mvn.toString(), "-B", "-o", "-Daether.offline.protocols=file",
                "-s", settings.toString(), "-Dmaven.repo.local=" + repo));
        cmd.addAll(List.of(goals));
        Path log = WORK.resolve(label + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_ARGS");
        Process p = pb.start();
        if (!p.waitFor(MAVEN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("mvn " + label + " still running after " + MAVEN_TIMEOUT_SECONDS + " s; log: " + log + "\n"
                    + tail(log));
        }
        if (p.exitValue() != 0) {
            fail("mvn " + label + " in " + dir + " exited " + p.exitValue() + "; log: " + log + "\n" + tail(log));
        }
    }

    /** Lays out {@code artifactId}'s POM (and JAR) the way {@code mvn install} would. */
    private static void install(Path repo, String artifactId, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repo.resolve(GROUP.replace('.', '/')).resolve(artifactId).resolve(VERSION));
        String base = artifactId + "-" + VERSION;
        Files.copy(pom, dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            if (!Files.isRegularFile(jar)) {
                fail(artifactId + ": " + jar + " is not a JAR (expected: the module packaged; build with"
                        + " -pl lb-strategy-archetype -am, phase verify)");
            }
            Files.copy(jar, dir.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path writeSettings(Path file, Path outerRepository) throws IOException {
        // a local repository keeps no checksums: central, as the mirror serves it, is told not to expect them
        String url = outerRepository.toUri().toString();
        Files.writeString(file, """
                <settings>
                  <mirrors>
                    <mirror><id>outer-build</id><mirrorOf>*</mirrorOf><url>%1$s</url></mirror>
                  </mirrors>
                  <profiles>
                    <profile>
                      <id>outer-build</id>
                      <repositories>
                        <repository><id>central</id><url>%1$s</url>
                          <releases><checksumPolicy>ignore</checksumPolicy></releases>
                          <snapshots><enabled>false</enabled></snapshots></repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository><id>central</id><url>%1$s</url>
                          <releases><checksumPolicy>ignore</checksumPolicy></releases>
                          <snapshots><enabled>false</enabled></snapshots></pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>outer-build</activeProfile></activeProfiles>
                </settings>
                """.formatted(url), StandardCharsets.UTF_8);
        return file;
    }

    /** Tests run and failed (failures plus errors) in the generated project's surefire reports. */
    private static int[] testCounts(Path project, String testClass) throws IOException {
        Pattern line = Pattern.compile("Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+)");
        int[] counts = new int[2];
        try (Stream<Path> reports = Files.list(project.resolve("target/surefire-reports"))) {
            for (Path r : reports.filter(f -> f.toString().endsWith(".txt")).toList()) {
                if (testClass != null && !r.getFileName().toString().contains(testClass)) {
                    continue;
                }
                Matcher m = line.matcher(Files.readString(r));
                if (m.find()) {
                    counts[0] += Integer.parseInt(m.group(1));
                    counts[1] += Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3));
                }
            }
        }
        return counts;
    }

    // ------------------------------------------------------------------ helpers

    private static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + name + " not set (expected: set by failsafe in"
                    + " lb-strategy-archetype/pom.xml; run this test through mvn verify)");
        }
        return v;
    }

    private static Path codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String parentProperty(Document pom, String name) {
        if (name.equals("version")) {
            return directChild(pom.getDocumentElement(), "version").getTextContent().trim();
        }
        Element props = directChild(pom.getDocumentElement(), "properties");
        return directChild(props, name).getTextContent().trim();
    }

    private static String managedPluginVersion(Document pom, String artifactId) {
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element p = (Element) plugins.item(i);
            Element a = directChild(p, "artifactId");
            Element v = directChild(p, "version");
            if (a != null && v != null && a.getTextContent().trim().equals(artifactId)) {
                return v.getTextContent().trim();
            }
        }
        throw new AssertionError(artifactId + ": no version in the parent pom");
    }

    private static Element directChild(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static String tailQuietly(Path log) {
        try {
            return tail(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
