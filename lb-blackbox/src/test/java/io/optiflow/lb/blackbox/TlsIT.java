package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.optiflow.lb.blackbox.harness.AdminApi;
import io.optiflow.lb.blackbox.harness.Fixture;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.ScriptedBackend;
import io.optiflow.lb.blackbox.harness.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS on both planes with certificates made by the test: the data plane's HTTPS listener (ALPN h2 and http/1.1, TLS
 * 1.2 and 1.3 only, a certificate per SNI name, new files picked up without a restart), https:// backends verified
 * against the configured CA (an untrusted or misnamed backend certificate is refused), and the admin plane on HTTPS
 * through Quarkus' own settings.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsIT {

    /** Also bounds a TLS handshake (short here so the suite stays quick; 10 s by default). */
    private static final long HEADER_TIMEOUT_MILLIS = 2_000;

    private static Fixture fixture;
    private static TestCa ca;
    private static Path certs;
    private static ScriptedBackend plain;
    private static ScriptedBackend tlsBackend;
    private static ScriptedBackend untrustedBackend;
    private static LbProcess lb;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        fixture = Fixture.create("tls-it");
        certs = fixture.root().resolve("certs");
        ca = TestCa.create("OptiFlow test CA");
        TestCa other = TestCa.create("Someone else's CA");
        TestCa.Issued lbCert = ca.issue(certs, "lb", "localhost", "127.0.0.1");
        TestCa.Issued apiCert = ca.issue(certs, "api", "api.test");
        TestCa.Issued backendCert = ca.issue(certs, "backend", "localhost");
        TestCa.Issued strangerCert = other.issue(certs, "stranger", "localhost");
        TestCa.Issued adminCert = ca.issue(certs, "admin", "127.0.0.1");
        Path caFile = ca.writeCertificate(certs.resolve("ca.pem"));
        plain = fixture.backend();
        tlsBackend = fixture.add(ScriptedBackend.startTls(backendCert.certFile(), backendCert.keyFile(),
                "localhost"));
        untrustedBackend = fixture.add(ScriptedBackend.startTls(strangerCert.certFile(), strangerCert.keyFile(),
                "localhost"));
        // the live copies the server reads; the test replaces them to see a reload
        Files.copy(lbCert.certFile(), certs.resolve("live.crt"));
        Files.copy(lbCert.keyFile(), certs.resolve("live.key"));
        tlsPort = LbProcess.freePort();
        lb = fixture.add(fixture.server()
                .property("lb.services.web.backends", plain.url())
                .property("lb.services.web.health.enabled", "false")
                .property("lb.services.secure.backends", tlsBackend.url())
                .property("lb.services.secure.match.path-prefix", "/secure")
                .property("lb.services.secure.health.enabled", "false")
                .property("lb.services.stranger.backends", untrustedBackend.url())
                .property("lb.services.stranger.match.path-prefix", "/stranger")
                .property("lb.services.stranger.health.enabled", "false")
                .property("lb.services.stranger.retry.attempts", "0")
                // health checks over TLS: the trusted backend passes them, the untrusted one goes DOWN
                .property("lb.services.checked.backends", tlsBackend.url() + "," + untrustedBackend.url())
                .property("lb.services.checked.match.path-prefix", "/checked")
                .property("lb.services.checked.health.interval", "100ms")
                .property("lb.services.checked.health.fall", "2")
                .property("lb.proxy.request-header-timeout", HEADER_TIMEOUT_MILLIS + "ms")
                .property("lb.proxy.tls.port", Integer.toString(tlsPort))
                .property("lb.proxy.tls.cert-file", certs.resolve("live.crt").toString())
                .property("lb.proxy.tls.key-file", certs.resolve("live.key").toString())
                .property("lb.proxy.tls.sni.\"api.test\".cert-file", apiCert.certFile().toString())
                .property("lb.proxy.tls.sni.\"api.test\".key-file", apiCert.keyFile().toString())
                .property("lb.proxy.tls.reload-interval", "300ms")
                .property("lb.proxy.backend-tls.ca-file", caFile.toString())
                .adminTls(adminCert.certFile(), adminCert.keyFile())
                .start());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static int tlsPort() {
        return tlsPort;
    }

    @Test
    void httpsListener_http11AndH2ByAlpn_bothProxiedAndToldTheProtocol() throws Exception {
        for (HttpClient.Version v : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            HttpClient http = HttpClient.newBuilder().sslContext(ca.clientContext()).version(v)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + tlsPort()
                    + "/headers")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(v, r.version(), "ALPN");
            assertTrue(r.body().contains("x-forwarded-proto: https"), r.body());
            assertTrue(r.body().contains("proto=https"), r.body());
        }
    }

    @Test
    void sni_knownName_getsItsCertificate_otherwiseTheDefault() throws Exception {
        assertEquals("CN=api.test", peer("api.test").getSubjectX500Principal().getName());
        assertEquals("CN=localhost", peer("localhost").getSubjectX500Principal().getName());
        assertEquals("CN=localhost", peer(null).getSubjectX500Principal().getName());
    }

    @Test
    void oldProtocols_tls10And11_areRefused_tls12And13Accepted() throws Exception {
        for (String p : List.of("TLSv1.2", "TLSv1.3")) {
            try (SSLSocket s = socket(null, p)) {
                s.startHandshake();
                assertEquals(p, s.getSession().getProtocol());
            }
        }
        // The JVM's client refuses TLS 1.0/1.1 itself; openssl can offer them (at security level 0). The same command
        // with -tls1_2 shows that a refusal is the server's doing.
        String accepted = openssl("s_client", "-connect", "127.0.0.1:" + tlsPort(), "-tls1_2", "-cipher",
                "DEFAULT@SECLEVEL=0");
        assertTrue(accepted.contains("Protocol  : TLSv1.2") && !accepted.contains("Cipher is (NONE)"),
                "openssl could not connect with TLS 1.2:\n" + accepted);
        for (String flag : List.of("-tls1", "-tls1_1")) {
            String out = openssl("s_client", "-connect", "127.0.0.1:" + tlsPort(), flag, "-cipher",
                    "DEFAULT@SECLEVEL=0");
            assertTrue(out.contains("alert protocol version") && out.contains("Cipher is (NONE)"),
                    flag + " was not refused with a protocol_version alert:\n" + out);
        }
    }

    @Test
    void tlsHandshake_neverStartedOrLeftHalfway_isClosedAtTheHeaderTimeout() throws Exception {
        // nothing at all; then a ClientHello record header announcing 512 bytes that never come
        for (byte[] sent : List.of(new byte[0], new byte[] {0x16, 0x03, 0x01, 0x02, 0x00})) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tlsPort()), 5_000);
                s.setSoTimeout((int) HEADER_TIMEOUT_MILLIS * 5);
                long start = System.nanoTime();
                s.getOutputStream().write(sent);
                int first;
                try {
                    first = s.getInputStream().read();
                } catch (SocketException reset) {
                    first = -1;
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(-1, first, "the server answered a handshake that never came");
                assertTrue(millis >= HEADER_TIMEOUT_MILLIS - 100, "closed already after " + millis + " ms");
            } catch (SocketTimeoutException open) {
                throw new AssertionError(sent.length + " bytes of a handshake kept the connection open", open);
            }
        }
    }

    @Test
    void certificateFiles_replacedOnDisk_nextHandshakeUsesTheNewOneWithoutARestart() throws Exception {
        X509Certificate before = peer("localhost");
        TestCa.Issued renewed = ca.issue(certs, "renewed", "localhost", "127.0.0.1");
        Files.copy(renewed.keyFile(), certs.resolve("live.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.certFile(), certs.resolve("live.crt"), StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        X509Certificate now = before;
        while (now.getSerialNumber().equals(before.getSerialNumber()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = peer("localhost");
        }
        assertNotEquals(before.getSerialNumber(), now.getSerialNumber(), "the renewed certificate was not served");
        assertEquals(renewed.certificate().getSerialNumber(), now.getSerialNumber());
        assertTrue(lb.logText().contains("TLS certificates of the data plane reloaded"), lb.tail(2000));
    }

    @Test
    void httpsBackend_verifiedAgainstTheConfiguredCa_isServed_anUntrustedOneIsNot() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.proxyPort()
                + "/secure/x")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(tlsBackend.id(), ok.body());
        long reached = untrustedBackend.requests();
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + lb.proxyPort() + "/stranger/x")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, refused.statusCode(), refused.body());
        assertEquals(reached, untrustedBackend.requests(), "a request reached a backend whose certificate failed");
    }

    @Test
    void healthChecks_ofHttpsBackends_verifiedLikeRequests_untrustedOneGoesDown() throws Exception {
        long before = tlsBackend.requests();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String untrusted = null;
        while (System.nanoTime() < deadline && !"DOWN".equals(untrusted)) {
            Thread.sleep(100);
            untrusted = health("checked", untrustedBackend.id());
        }
        assertEquals("DOWN", untrusted, "health of the backend with an untrusted certificate");
        assertEquals("UP", health("checked", tlsBackend.id()), "health of the backend with a trusted certificate");
        assertTrue(tlsBackend.requests() >= before + 2, "health checks did not reach the trusted https backend ("
                + (tlsBackend.requests() - before) + " requests)");
        assertEquals(0, untrustedBackend.requests(), "a health check reached a backend whose certificate failed");
    }

    @Test
    void adminPlane_onHttpsOnly_servesWithCredentialsOverTls_andNothingInPlainText() throws Exception {
        HttpResponse<String> r = adminGet("/api/v1/services");
        assertEquals(200, r.statusCode(), r.body());
        assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + lb.adminPort() + "/api/v1/services")).header("Authorization", ADMIN_AUTH)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()),
                "the admin plane answered in plain text");
    }

    // ------------------------------------------------------------------ helpers

    private static final String ADMIN_AUTH = "Basic " + Base64.getEncoder().encodeToString((LbProcess.OPERATOR + ":"
            + LbProcess.OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8));

    /** GET on the admin plane's HTTPS port as the operator. */
    private static HttpResponse<String> adminGet(String path) throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(ca.clientContext()).connectTimeout(Duration.ofSeconds(5))
                .build();
        return https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + lb.adminTlsPort() + path))
                .header("Authorization", ADMIN_AUTH).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The health the admin API reports for backend {@code id} of {@code service}. */
    private static String health(String service, String id) throws Exception {
        HttpResponse<String> r = adminGet("/api/v1/services/" + service);
        assertEquals(200, r.statusCode(), r.body());
        for (JsonNode b : AdminApi.parse(r.body()).path("backends")) {
            if (id.equals(b.path("id").asText())) {
                return b.path("health").asText();
            }
        }
        throw new AssertionError("no backend " + id + " in " + r.body());
    }

    private static X509Certificate peer(String sniName) throws Exception {
        try (SSLSocket s = socket(sniName, "TLSv1.3")) {
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    /** A TLS socket to the listener offering only {@code protocol}, with {@code sniName} (null: no SNI). */
    private static SSLSocket socket(String sniName, String protocol) throws IOException {
        SSLSocket s = (SSLSocket) ca.clientContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                tlsPort());
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {protocol});
        p.setServerNames(sniName == null ? List.of() : List.of(new SNIHostName(sniName)));
        s.setSSLParameters(p);
        return s;
    }

    private static String openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
