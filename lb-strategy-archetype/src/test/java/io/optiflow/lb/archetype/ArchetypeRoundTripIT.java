package io.optiflow.lb.archetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.testkit.ManualTicker;
import java.io.IOException;
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
import java.util.TreeMap;
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
 * What a contributor does, end to end and offline: {@code mvn archetype:generate} with this build's archetype
 * into a temporary folder, then {@code mvn verify} in the new project, which must pass as generated.
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

    @Test
    void generateThenVerify_offlineWithJustBuiltArtifacts_generatedProjectPassesItsOwnTests() throws Exception {
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
        // strategyName and classPrefix left to their defaults, derived from the artifactId
        run(parent, repo, settings, "generate",
                "org.apache.maven.plugins:maven-archetype-plugin:" + property("it.archetypePluginVersion")
                        + ":generate",
                "-DarchetypeGroupId=" + GROUP, "-DarchetypeArtifactId=lb-strategy-archetype",
                "-DarchetypeVersion=" + VERSION, "-DarchetypeCatalog=local",
                "-DgroupId=com.example.lb", "-DartifactId=least-failing", "-Dversion=1.0.0-SNAPSHOT",
                "-Dpackage=com.example.lb.leastfailing", "-DinteractiveMode=false");
        long t1 = System.nanoTime();
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

        run(project, repo, settings, "verify", "verify");
        long t2 = System.nanoTime();

        int[] contract = testCounts(project, "LeastFailingContractTest");
        int[] all = testCounts(project, null);
        assertTrue(contract[0] >= 13, () -> "contract tests run: " + contract[0] + " (expected: at least 13)");
        assertTrue(all[0] >= 30, () -> "tests run in the generated project: " + all[0] + " (expected: at least 30)");
        assertEquals(0, all[1], "failed tests in the generated project");

        Path jar = project.resolve("target/least-failing-1.0.0-SNAPSHOT.jar");
        try (JarFile j = new JarFile(jar.toFile())) {
            assertTrue(j.getEntry("com/example/lb/leastfailing/LeastFailingProvider.class") != null,
                    "provider missing from the JAR");
            assertTrue(j.getEntry("META-INF/services/io.optiflow.lb.api.spi.StrategyProvider") != null,
                    "service file missing from the JAR");
            assertFalse(j.stream().anyMatch(e -> e.getName().startsWith("io/optiflow/lb/api/")),
                    "lb-api classes in the plug-in JAR (expected: provided scope keeps them out)");
        }
        System.out.printf(Locale.ROOT, "archetype round trip: generate %.1f s, verify %.1f s (%d tests)%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, all[0]);
        deleteRecursively(parent); // kept when anything above failed, for a look
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
