package io.optiflow.lb.server.proxy;

import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/** Header-name tests used on the request path: no allocation, case-insensitive. */
final class Headers {

    private static final DefaultHeaders.NameValidator<CharSequence> DEFAULT_NAMES =
            DefaultHttpHeadersFactory.headersFactory().getNameValidator();

    private Headers() {
    }

    /**
     * A decoder's header-name check: every name is checked as Netty checks it, except {@code known} themselves
     * (the same objects, compared by identity: constant valid tokens), which are not checked again on every message.
     * They are found in a small open-addressing table by their own hash (cached in each {@link AsciiString}, and
     * needed by the headers right after anyway): a read or two per name, not a scan of the list.
     */
    static DefaultHeaders.NameValidator<CharSequence> namesExcept(AsciiString... known) {
        int size = 8;
        while (size < known.length * 4) {
            size <<= 1;
        }
        AsciiString[] table = new AsciiString[size];
        int mask = size - 1;
        for (AsciiString k : known) {
            int i = k.hashCode() & mask;
            while (table[i] != null && table[i] != k) {
                i = (i + 1) & mask;
            }
            table[i] = k;
        }
        return name -> {
            if (name instanceof AsciiString) { // a String is never one of them
                for (int i = name.hashCode() & mask; table[i] != null; i = (i + 1) & mask) {
                    if (table[i] == name) {
                        return;
                    }
                }
            }
            DEFAULT_NAMES.validateName(name);
        };
    }

    /**
     * Removes the headers a Connection value names (RFC 9110 §7.6.1), other than the tokens {@code close},
     * {@code keep-alive} and {@code upgrade}; allocates only for a token that names a header.
     */
    static void removeListed(HttpHeaders h, String connectionValue) {
        int n = connectionValue.length();
        int start = 0;
        while (start < n) {
            int comma = connectionValue.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int from = start;
            int to = end;
            while (from < to && connectionValue.charAt(from) == ' ') {
                from++;
            }
            while (to > from && connectionValue.charAt(to - 1) == ' ') {
                to--;
            }
            // The usual values (keep-alive, close, upgrade) name no header: no substring is made for them.
            if (to > from && !token(connectionValue, from, to, "close") && !token(connectionValue, from, to, "keep-alive")
                    && !token(connectionValue, from, to, "upgrade")) {
                h.remove(connectionValue.substring(from, to));
            }
            start = end + 1;
        }
    }

    private static boolean token(String s, int from, int to, String expected) {
        return to - from == expected.length() && s.regionMatches(true, from, expected, 0, expected.length());
    }

    /** Whether {@code name} is one of the comma-separated tokens of a Connection header value. */
    static boolean listedIn(String connectionValue, String name) {
        if (connectionValue == null) {
            return false;
        }
        int n = connectionValue.length();
        int i = 0;
        while (i < n) {
            while (i < n && (ows(connectionValue.charAt(i)) || connectionValue.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && connectionValue.charAt(i) != ',') {
                i++;
            }
            int end = i;
            while (end > start && ows(connectionValue.charAt(end - 1))) {
                end--;
            }
            if (end - start == name.length() && connectionValue.regionMatches(true, start, name, 0, name.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a message of {@code version} with these Connection values (all of them, comma-joined; null for none)
     * keeps its connection: no {@code close} token, and HTTP/1.1 or a {@code keep-alive} token. The same answer as
     * Netty's {@code HttpUtil.isKeepAlive}, without another lookup in the headers.
     */
    static boolean keepAlive(HttpVersion version, String connectionValues) {
        if (connectionValues == null) {
            return version.isKeepAliveDefault();
        }
        return !listedIn(connectionValues, "close")
                && (version.isKeepAliveDefault() || listedIn(connectionValues, "keep-alive"));
    }

    /** Optional whitespace around list elements (RFC 9110 §5.6.3): space or tab. */
    private static boolean ows(char c) {
        return c == ' ' || c == '\t';
    }

    /** FNV-1a over {@code s[start, end)} then the murmur3 finalizer: equals RequestContext.hash of that range. */
    static long hash(String s, int start, int end) {
        long h = 0xcbf29ce484222325L;
        for (int i = start; i < end; i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return io.optiflow.lb.api.RequestContext.mix(h);
    }

    /** A Content-Length value as a number: decimal digits only (no sign, no spaces inside), or -1. */
    static long contentLength(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
