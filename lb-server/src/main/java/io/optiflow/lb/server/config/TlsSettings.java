package io.optiflow.lb.server.config;

import io.optiflow.lb.api.spi.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * TLS of the data plane, checked ({@code lb.proxy.tls.*}, {@code lb.proxy.backend-tls.*}): the HTTPS listener with
 * its default certificate and those chosen by SNI, and the CA file for backends with https:// URLs.
 *
 * @param enabled        whether the HTTPS listener runs (cert-file and key-file set)
 * @param port           its port (0: any free port)
 * @param certificate    the default certificate, or null when the listener is off
 * @param sni            more certificates by host name (lower case; {@code *.example.com} wildcards allowed)
 * @param reloadMillis   how often the files are checked for changes
 * @param backendCaFile  CAs backends must chain to, or null for the JVM's trust store
 */
public record TlsSettings(boolean enabled, int port, CertificateFiles certificate,
                          Map<String, CertificateFiles> sni, long reloadMillis, Path backendCaFile) {

    /** TLS off, backends verified against the JVM's trust store. */
    public static final TlsSettings NONE = new TlsSettings(false, 8443, null, Map.of(), 10_000, null);

    /**
     * A certificate chain and its key, PEM files.
     *
     * @param certKey the config key of the certificate file (for messages)
     */
    public record CertificateFiles(Path certFile, Path keyFile, String certKey, String keyKey) {
    }

    static TlsSettings read(LbConfig.Proxy p, List<String> errors) {
        LbConfig.Tls t = p.tls();
        if (t.port() < 0 || t.port() > 65_535) {
            errors.add("lb.proxy.tls.port: " + t.port() + " (expected: 0..65535)");
        }
        CertificateFiles main = pair(errors, "lb.proxy.tls.", t.certFile(), t.keyFile());
        Map<String, CertificateFiles> sni = new TreeMap<>();
        for (Map.Entry<String, LbConfig.SniCertificate> e : t.sni().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            String prefix = "lb.proxy.tls.sni.\"" + e.getKey() + "\".";
            if (!name.matches("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
                errors.add(prefix + "*: '" + e.getKey() + "' is not a host name (expected: api.example.com or"
                        + " *.example.com)");
                continue;
            }
            CertificateFiles c = pair(errors, prefix, e.getValue().certFile(), e.getValue().keyFile());
            if (c == null) {
                errors.add(prefix + "cert-file: missing (expected: a PEM certificate chain for " + name + ")");
            } else {
                sni.put(name, c);
            }
        }
        if (main == null && !sni.isEmpty()) {
            errors.add("lb.proxy.tls.cert-file: missing (expected: a default certificate; the lb.proxy.tls.sni.*"
                    + " ones are chosen by host name among clients that send one)");
        }
        long reload = 10_000;
        try {
            reload = Math.max(1, Durations.parseNanos(t.reloadInterval()) / 1_000_000L);
        } catch (IllegalArgumentException ex) {
            errors.add("lb.proxy.tls.reload-interval: '" + t.reloadInterval() + "' (expected: a duration such as 10s)");
        }
        Path ca = p.backendTls().caFile().filter(f -> !f.isBlank()).map(Path::of).orElse(null);
        if (ca != null && !Files.isReadable(ca)) {
            errors.add("lb.proxy.backend-tls.ca-file: '" + ca + "' cannot be read (expected: a PEM file of CA"
                    + " certificates)");
        }
        return new TlsSettings(main != null, t.port(), main, Map.copyOf(sni), reload, ca);
    }

    /** Both files set and readable, or null when neither is set; a half-set pair is an error. */
    private static CertificateFiles pair(List<String> errors, String prefix, Optional<String> cert,
                                         Optional<String> key) {
        Optional<String> c = cert.filter(s -> !s.isBlank());
        Optional<String> k = key.filter(s -> !s.isBlank());
        if (c.isEmpty() && k.isEmpty()) {
            return null;
        }
        if (c.isEmpty() || k.isEmpty()) {
            errors.add(prefix + (c.isEmpty() ? "cert-file" : "key-file") + ": missing (expected: both cert-file and"
                    + " key-file, PEM)");
            return null;
        }
        boolean ok = true;
        for (String[] f : new String[][] {{prefix + "cert-file", c.get()}, {prefix + "key-file", k.get()}}) {
            if (!Files.isReadable(Path.of(f[1]))) {
                errors.add(f[0] + ": '" + f[1] + "' cannot be read (expected: a readable PEM file)");
                ok = false;
            }
        }
        return ok ? new CertificateFiles(Path.of(c.get()), Path.of(k.get()), prefix + "cert-file",
                prefix + "key-file") : null;
    }
}
