package io.optiflow.lb.server.proxy;

/** Header-name tests used on the request path: no allocation, case-insensitive. */
final class Headers {

    private Headers() {
    }

    /**
     * Hop-by-hop headers (RFC 9110 §7.6.1) and the proxy's own concerns: never forwarded as received. Host is set
     * from the request's authority, forwarding headers are rebuilt, Expect is answered by the proxy.
     */
    static boolean isHopByHopOrOwn(String name) {
        switch (name.length()) {
            case 2:
                return name.equalsIgnoreCase("te");
            case 4:
                return name.equalsIgnoreCase("host");
            case 6:
                return name.equalsIgnoreCase("expect");
            case 7:
                return name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("trailer");
            case 9:
                return name.equalsIgnoreCase("forwarded");
            case 10:
                return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 15:
                return name.equalsIgnoreCase("x-forwarded-for");
            case 16:
                return name.equalsIgnoreCase("proxy-connection") || name.equalsIgnoreCase("x-forwarded-host");
            case 17:
                return name.equalsIgnoreCase("transfer-encoding") || name.equalsIgnoreCase("x-forwarded-proto");
            case 18:
                return name.equalsIgnoreCase("proxy-authenticate");
            case 19:
                return name.equalsIgnoreCase("proxy-authorization");
            default:
                return false;
        }
    }

    /** Hop-by-hop headers of a response (RFC 9110 §7.6.1). */
    static boolean isHopByHopResponse(String name) {
        switch (name.length()) {
            case 2:
                return name.equalsIgnoreCase("te");
            case 7:
                return name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("trailer");
            case 10:
                return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 16:
                return name.equalsIgnoreCase("proxy-connection");
            case 17:
                return name.equalsIgnoreCase("transfer-encoding");
            case 18:
                return name.equalsIgnoreCase("proxy-authenticate");
            case 19:
                return name.equalsIgnoreCase("proxy-authorization");
            default:
                return false;
        }
    }

    /** Whether {@code name} is one of the comma-separated tokens of a Connection header value. */
    static boolean listedIn(String connectionValue, String name) {
        if (connectionValue == null) {
            return false;
        }
        int n = connectionValue.length();
        int i = 0;
        while (i < n) {
            while (i < n && (connectionValue.charAt(i) == ' ' || connectionValue.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && connectionValue.charAt(i) != ',') {
                i++;
            }
            int end = i;
            while (end > start && connectionValue.charAt(end - 1) == ' ') {
                end--;
            }
            if (end - start == name.length() && connectionValue.regionMatches(true, start, name, 0, name.length())) {
                return true;
            }
        }
        return false;
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
