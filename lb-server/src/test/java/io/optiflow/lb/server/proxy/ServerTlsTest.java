package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.optiflow.lb.server.config.TlsSettings;
import io.optiflow.lb.server.config.TlsSettings.CertificateFiles;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS listener's certificates: chosen by SNI name (exact and wildcard, else the default), replaced when the
 * files change, kept when the new files are broken. Certificates are made by the JDK's keytool.
 */
class ServerTlsTest {

    @TempDir
    Path dir;

    @Test
    void map_sniNameExactOrWildcard_getsItsContext_otherNamesAndNoSniGetTheDefault() throws Exception {
        CertificateFiles main = certificate("main", "localhost");
        CertificateFiles api = certificate("api", "api.example.com");
        CertificateFiles any = certificate("any", "x.shop.example");
        ServerTls tls = new ServerTls(settings(main, Map.of("api.example.com", api, "*.shop.example", any)));
        SslContext fallback = tls.defaultContext();
        assertSame(fallback, tls.map(null));
        assertSame(fallback, tls.map("other.example.com"));
        SslContext forApi = tls.map("api.example.com");
        SslContext forShop = tls.map("cart.shop.example");
        assertNotSame(fallback, forApi);
        assertNotSame(fallback, forShop);
        assertNotSame(forApi, forShop);
    }

    @Test
    void reloadIfChanged_newValidFiles_replaceTheContext_brokenFilesKeepTheOldOne() throws Exception {
        CertificateFiles live = certificate("live", "localhost");
        ServerTls tls = new ServerTls(settings(live, Map.of()));
        SslContext first = tls.defaultContext();
        tls.reloadIfChanged();
        assertSame(first, tls.defaultContext(), "reloaded although nothing changed");

        Files.writeString(live.certFile(), "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
        touch(live.certFile(), 1);
        tls.reloadIfChanged();
        assertSame(first, tls.defaultContext(), "a broken certificate file replaced the one in force");

        CertificateFiles renewed = certificate("renewed", "localhost");
        Files.copy(renewed.certFile(), live.certFile(), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.keyFile(), live.keyFile(), StandardCopyOption.REPLACE_EXISTING);
        touch(live.certFile(), 2);
        tls.reloadIfChanged();
        assertNotSame(first, tls.defaultContext(), "the renewed files were not loaded");
        assertSame(tls.defaultContext(), tls.map(null));
    }

    @Test
    void constructor_keyThatIsNotAKey_isRefusedNamingBothKeys() throws Exception {
        CertificateFiles good = certificate("good", "localhost");
        Path notAKey = dir.resolve("not-a.key");
        Files.writeString(notAKey, "hello\n");
        CertificateFiles bad = new CertificateFiles(good.certFile(), notAKey, "lb.proxy.tls.cert-file",
                "lb.proxy.tls.key-file");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServerTls(settings(bad, Map.of())));
        assertTrue(e.getMessage().startsWith("lb.proxy.tls.cert-file / lb.proxy.tls.key-file: "), e.getMessage());
        assertTrue(e.getMessage().contains("expected: PEM files"), e.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    private static TlsSettings settings(CertificateFiles main, Map<String, CertificateFiles> sni) {
        return new TlsSettings(true, 0, main, sni, 10_000, null);
    }

    /** Moves the file's modification time {@code seconds} ahead, so a change is seen whatever the clock's grain. */
    private static void touch(Path file, int seconds) throws Exception {
        FileTime t = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(t.toMillis() + seconds * 1000L));
    }

    /** A self-signed EC certificate for {@code host} made by keytool, written as PEM files {@code name.crt/.key}. */
    private CertificateFiles certificate(String name, String host) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "k", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + host, "-ext", "SAN=dns:" + host, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "secret", "-keypass", "secret"))
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "secret".toCharArray());
        }
        Key key = ks.getKey("k", "secret".toCharArray());
        Certificate cert = ks.getCertificate("k");
        Path crt = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(crt, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII); // PKCS#8
        return new CertificateFiles(crt, keyFile, "lb.proxy.tls.cert-file", "lb.proxy.tls.key-file");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
