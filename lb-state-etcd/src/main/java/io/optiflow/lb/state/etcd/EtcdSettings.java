package io.optiflow.lb.state.etcd;

import io.optiflow.lb.core.state.StoreSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The etcd store's settings ({@code lb.state.etcd.*}), parsed once: errors as values, each naming the key.
 *
 * @param endpoints client URLs
 * @param prefix    every key starts with it; ends with {@code /}
 * @param user      user name, or null
 * @param password  password, or null
 * @param caFile    CA certificate (PEM) to trust, or null
 * @param certFile  client certificate (PEM), or null
 * @param keyFile   client key (PKCS#8 PEM), or null
 * @param timeout   the longest any call waits
 */
record EtcdSettings(List<URI> endpoints, String prefix, String user, String password, Path caFile, Path certFile,
                    Path keyFile, Duration timeout) {

    static final String KEY = "lb.state.etcd.";
    static final String DEFAULT_PREFIX = "/optiflow/";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    private static final Set<String> KNOWN = Set.of("endpoints", "prefix", "user", "password", "tls.ca-file",
            "tls.cert-file", "tls.key-file", "timeout");

    static EtcdSettings parse(Map<String, String> config, List<String> errors) {
        for (String k : config.keySet()) {
            if (!KNOWN.contains(k)) {
                errors.add(KEY + k + ": unknown key (expected one of " + new java.util.TreeSet<>(KNOWN) + ")");
            }
        }
        List<URI> endpoints = new ArrayList<>();
        String eps = config.get("endpoints");
        if (eps == null || eps.isBlank()) {
            errors.add(KEY + "endpoints: missing (expected: comma-separated URLs like http://10.0.0.1:2379)");
        } else {
            for (String e : eps.split(",")) {
                String t = e.trim();
                try {
                    URI u = URI.create(t);
                    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                            || u.getPort() < 1) {
                        throw new IllegalArgumentException("not http(s)://host:port");
                    }
                    endpoints.add(u);
                } catch (IllegalArgumentException ex) {
                    errors.add(KEY + "endpoints: '" + t + "' (expected: http://host:port or https://host:port)");
                }
            }
        }
        String prefix = config.getOrDefault("prefix", DEFAULT_PREFIX).trim();
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            errors.add(KEY + "prefix: '" + prefix + "' (expected: a key prefix starting and ending with /, like "
                    + DEFAULT_PREFIX + ")");
        }
        String user = StoreSettings.blankToNull(config.get("user"));
        String password = StoreSettings.blankToNull(config.get("password"));
        if ((user == null) != (password == null)) {
            errors.add(KEY + (user == null ? "user" : "password") + ": missing (expected: user and password"
                    + " together, or neither)");
        }
        Path ca = file(config, "tls.ca-file", errors);
        Path cert = file(config, "tls.cert-file", errors);
        Path key = file(config, "tls.key-file", errors);
        if ((cert == null) != (key == null)) {
            errors.add(KEY + "tls.cert-file and tls.key-file: one without the other (expected: both, or neither)");
        }
        Duration timeout = DEFAULT_TIMEOUT;
        String t = config.get("timeout");
        if (t != null) {
            timeout = StoreSettings.duration(t);
            if (timeout == null) {
                errors.add(KEY + "timeout: '" + t + "' (expected: a positive duration like 2s or 500ms)");
                timeout = DEFAULT_TIMEOUT;
            }
        }
        return new EtcdSettings(endpoints, prefix, user, password, ca, cert, key, timeout);
    }

    private static Path file(Map<String, String> config, String k, List<String> errors) {
        String v = StoreSettings.blankToNull(config.get(k));
        if (v == null) {
            return null;
        }
        Path p = Path.of(v);
        if (!Files.isReadable(p)) {
            errors.add(KEY + k + ": '" + v + "' (expected: a readable PEM file)");
        }
        return p;
    }
}
