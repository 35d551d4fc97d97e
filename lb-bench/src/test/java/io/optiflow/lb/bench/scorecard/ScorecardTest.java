package io.optiflow.lb.bench.scorecard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorecard in-process, one seed and no JMH (ScorecardJarIT runs the packaged JAR with JMH): the example
 * plug-in from its JAR, a built-in with a config, and every kind of bad argument.
 */
class ScorecardTest {

    private static final Path EXAMPLE_JAR = Path.of(System.getProperty("scorecard.exampleJar",
            "target/scorecard-plugins/lb-example-strategy-0.1.0-SNAPSHOT.jar"));

    @TempDir
    Path dir;

    /** Exit status, standard output, standard error. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Scorecard.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scorecard_examplePluginJar_everyScenarioTableHasItsBoldRowBesideTheBuiltIns() throws IOException {
        assertTrue(Files.isRegularFile(EXAMPLE_JAR), () -> EXAMPLE_JAR + " missing (copied by the pom in"
                + " process-test-resources)");
        Path report = dir.resolve("card.md");
        Run r = run("--plugin", EXAMPLE_JAR.toString(), "--strategy", "zone-aware", "--config", "zone=eu-1",
                "--seeds", "1", "--jmh", "off", "--out", report.toString());
        assertEquals(0, r.status(), r::err);
        String md = Files.readString(report);
        assertTrue(md.startsWith("# Scorecard: `zone-aware`"), md);
        assertTrue(md.contains("from `lb-example-strategy-"), "source JAR named");
        assertTrue(md.contains("| config | zone=eu-1 |"), md);
        assertEquals(5, count(md, "\n| **zone-aware** |"), "one bold row per scenario table:\n" + md);
        assertEquals(5, count(md, "\n| least-connections |"), "the built-ins beside it:\n" + md);
        assertEquals(6, count(md, "\n## "), "five scenario sections and the pick cost");
        // zone-aware is a rotation over all backends when none is in its zone: it ignores speed, like round-robin
        String a = row(md, "**zone-aware**", 0);
        assertTrue(a.matches("\\| \\*\\*zone-aware\\*\\* \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9. -]+ \\|"), a);
        double p99 = Double.parseDouble(a.split("\\|")[4].trim());
        assertTrue(p99 > 800, () -> "scenario a p99 of a speed-blind rotation: " + p99 + " ms (expected: about"
                + " round robin's 900)");
        assertTrue(md.contains("Not measured (`--jmh off`)."), md);
        assertTrue(r.err().contains("report written to"), r::err);
    }

    @Test
    void scorecard_builtInWithConfig_scoredRowCarriesTheConfig() {
        Run r = run("--strategy", "latency-weighted", "--config", "rate-limit=100", "--config", "burst=10",
                "--seeds", "1", "--jmh", "off", "--out", "-");
        assertEquals(0, r.status(), r::err);
        assertTrue(r.out().contains("from the built-ins"), r.out());
        // scenario d: the scored copy runs with the limit it was given, as the built-in row does
        String d = row(r.out(), "**latency-weighted (scored)**", 3);
        assertTrue(d.contains("| burst=10, rate-limit=100 |"), d);
        assertEquals(row(r.out(), "latency-weighted", 3).split("\\|")[3], d.split("\\|")[3],
                "same limit, same busiest-backend figure");
        assertTrue(r.out().contains("1 (a quick run: medians of one seed)"), r.out());
        assertTrue(r.out().contains("p99.9 spread (ms, 1 seed)"), r.out());
    }

    @Test
    void arguments_missingStrategy_saysWhatIsExpectedAndPrintsUsage() {
        Run r = run("--plugin", EXAMPLE_JAR.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--strategy: missing (expected: the name of the strategy to score"), r.err());
        assertTrue(r.err().contains("usage: java -jar lb-bench/target/lb-scorecard.jar"), r.err());
    }

    @Test
    void arguments_unknownFlag_namesItAndTheKnownOnes() {
        Run r = run("--strategy", "random", "--fast");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("'--fast': unknown argument (expected: one of --strategy, --plugin"), r.err());
    }

    @Test
    void arguments_pluginNotAFile_saysBuildItFirst() {
        Run r = run("--plugin", dir.resolve("nothing.jar").toString(), "--strategy", "x");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("nothing.jar' is not a file (expected: the plug-in's JAR"), r.err());
    }

    @Test
    void arguments_pluginNotAJar_saysWhichFileAndWhy() throws IOException {
        Path notJar = Files.writeString(dir.resolve("broken.jar"), "not a zip");
        Run r = run("--plugin", notJar.toString(), "--strategy", "zone-aware");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--plugin: broken.jar: not a readable JAR"), r.err());
    }

    @Test
    void arguments_strategyNotInThePlugin_listsWhatItOffers() {
        Run r = run("--plugin", EXAMPLE_JAR.toString(), "--strategy", "zone-awar");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--strategy: 'zone-awar' is not offered by lb-example-strategy-"), r.err());
        assertTrue(r.err().contains("(expected: one of [zone-aware])"), r.err());
    }

    @Test
    void arguments_pluginStrategyWithoutPlugin_saysToGiveTheJar() {
        Run r = run("--strategy", "zone-aware");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("is not offered by the built-in strategies"), r.err());
        assertTrue(r.err().contains("a plug-in's strategy needs --plugin JAR"), r.err());
    }

    @Test
    void arguments_badConfigValue_givesTheStrategysOwnError() {
        Run r = run("--strategy", "power-of-two", "--config", "respect-weights=maybe");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--config for 'power-of-two': respect-weights: 'maybe' (expected:"), r.err());
    }

    @Test
    void arguments_configWithoutEquals_andSeedsOutOfRange_explained() {
        Run noEquals = run("--strategy", "random", "--config", "decay");
        assertTrue(noEquals.err().contains("--config: 'decay' (expected: KEY=VALUE"), noEquals.err());
        Run seeds = run("--strategy", "random", "--seeds", "9");
        assertTrue(seeds.err().contains("--seeds: '9' (expected: a whole number from 1 to 5)"), seeds.err());
        Run noValue = run("--strategy");
        assertTrue(noValue.err().contains("--strategy: no value"), noValue.err());
        assertFalse(Files.exists(Path.of("scorecard-random.md")), "nothing written on bad arguments");
    }

    @Test
    void help_printsUsage() {
        Run r = run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("--plugin JAR"), r.out());
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** The {@code index}-th table row (0 = scenario a) whose first cell is {@code cell}. */
    private static String row(String md, String cell, int index) {
        Matcher m = Pattern.compile("(?m)^\\| " + Pattern.quote(cell) + " \\|.*$").matcher(md);
        for (int i = 0; i <= index; i++) {
            assertTrue(m.find(), () -> "no row " + index + " for " + cell + " in\n" + md);
        }
        return m.group();
    }
}
