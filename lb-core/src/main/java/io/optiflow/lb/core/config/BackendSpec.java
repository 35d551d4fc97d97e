package io.optiflow.lb.core.config;

import io.optiflow.lb.api.Backend;
import java.util.Locale;
import java.util.Map;

/**
 * A backend as configured: {@code http://host:port} with an optional weight, written
 * {@code http://10.0.0.5:8080;weight=3}. The id is {@code host:port} (IPv6 literals without brackets, like
 * {@link Backend#of}).
 */
public record BackendSpec(String id, String scheme, String host, int port, int weight) {

    /** The label that marks a backend reached over TLS ({@code scheme=https}). */
    public static final String SCHEME_LABEL = "scheme";

    public BackendSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id: '" + id + "' (expected: host:port)");
        }
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("scheme: '" + scheme + "' (expected: http or https)");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or IP address)");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (weight < Backend.MIN_WEIGHT || weight > Backend.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: " + Backend.MIN_WEIGHT + ".."
                    + Backend.MAX_WEIGHT + ")");
        }
    }

    /**
     * Parses {@code http://host:port[;weight=N]} (port defaults to 80 for http, 443 for https; IPv6 in brackets).
     *
     * @throws IllegalArgumentException with a message naming the text and what was expected
     */
    public static BackendSpec parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("backend: null (expected: http://host:port[;weight=N])");
        }
        String t = text.trim();
        int weight = Backend.DEFAULT_WEIGHT;
        int semi = t.indexOf(';');
        if (semi >= 0) {
            String param = t.substring(semi + 1).trim();
            t = t.substring(0, semi).trim();
            if (!param.startsWith("weight=")) {
                throw bad(text, "only the parameter ';weight=N' is known");
            }
            String w = param.substring("weight=".length()).trim();
            try {
                weight = Integer.parseInt(w);
            } catch (NumberFormatException e) {
                throw bad(text, "weight '" + w + "' is not an integer from " + Backend.MIN_WEIGHT + " to "
                        + Backend.MAX_WEIGHT);
            }
            if (weight < Backend.MIN_WEIGHT || weight > Backend.MAX_WEIGHT) {
                throw bad(text, "weight " + weight + " is outside " + Backend.MIN_WEIGHT + ".." + Backend.MAX_WEIGHT);
            }
        }
        int sep = t.indexOf("://");
        if (sep <= 0) {
            throw bad(text, "a scheme, http:// or https://");
        }
        String scheme = t.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw bad(text, "scheme http or https, not '" + scheme + "'");
        }
        String rest = t.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1); // a bare trailing slash is harmless
        }
        if (rest.indexOf('/') >= 0 || rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0 || rest.indexOf('@') >= 0) {
            throw bad(text, "no path, query, fragment or user info: only scheme://host:port");
        }
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw bad(text, "a closing ']' after the IPv6 address");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(text, "':port' after the IPv6 address");
                }
                portText = after.substring(1);
            }
            if (host.isEmpty() || host.indexOf(':') < 0) {
                throw bad(text, "an IPv6 address inside [ ]");
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0) {
                if (rest.indexOf(':', colon + 1) >= 0) {
                    throw bad(text, "IPv6 addresses in brackets, e.g. http://[::1]:8080");
                }
                host = rest.substring(0, colon);
                portText = rest.substring(colon + 1);
            } else {
                host = rest;
            }
            if (host.isEmpty() || !host.matches("[A-Za-z0-9._-]+")) {
                throw bad(text, "a host name or IPv4 address, not '" + host + "'");
            }
            host = host.toLowerCase(Locale.ROOT);
        }
        int port;
        if (portText == null) {
            port = scheme.equals("https") ? 443 : 80;
        } else {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw bad(text, "a port number, not '" + portText + "'");
            }
            if (port < 1 || port > 65_535) {
                throw bad(text, "a port from 1 to 65535, not " + port);
            }
        }
        return new BackendSpec(host + ":" + port, scheme, host, port, weight);
    }

    private static IllegalArgumentException bad(String text, String expected) {
        return new IllegalArgumentException("backend: '" + text + "' (expected: http://host:port[;weight=N]; "
                + expected + ")");
    }

    /** {@code http://host:port} (no weight). */
    public String url() {
        return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** This spec with another weight. */
    public BackendSpec withWeight(int newWeight) {
        return new BackendSpec(id, scheme, host, port, newWeight);
    }

    /** The backend a strategy sees. */
    public Backend toBackend() {
        return new Backend(id, host, port, weight, labels());
    }

    /**
     * The labels a backend of this spec carries: {@code scheme=https} for an https:// backend (the proxy speaks TLS
     * to it), none for http://.
     */
    public Map<String, String> labels() {
        return "https".equals(scheme) ? Map.of(SCHEME_LABEL, "https") : Map.of();
    }

    /** {@code url;weight=N}: the text {@link #parse} reads back. */
    @Override
    public String toString() {
        return url() + ";weight=" + weight;
    }
}
