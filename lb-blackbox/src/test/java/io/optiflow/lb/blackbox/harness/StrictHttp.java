package io.optiflow.lb.blackbox.harness;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A strict HTTP/1.1 request parser (RFC 9112 without any leniency): CRLF line ends, a token method, a single space
 * between request-line parts, {@code HTTP/1.1}, {@code name: value} header lines with token names, no obsolete line
 * folding, no control characters (bytes above 0x7f only in header values), one Host, at most one valid Content-Length, Transfer-Encoding exactly
 * {@code chunked}, never both. The recording backend parses what the proxy sends with it, and the fuzz test parses
 * what the client sent with it: where both accept, they must agree.
 */
public final class StrictHttp {

    private StrictHttp() {
    }

    /** One parsed request, and how many bytes of the input it took. */
    public record Request(String method, String target, long bodyLength, int consumed) {
    }

    /** Thrown for input that is not a valid request; {@link #incomplete} when more bytes could still make one. */
    public static final class Invalid extends Exception {
        public final boolean incomplete;

        Invalid(String message, boolean incomplete) {
            super(message, null, false, false);
            this.incomplete = incomplete;
        }
    }

    /** Parses one request starting at {@code from} of {@code in[0..len)}. */
    public static Request parse(byte[] in, int from, int len) throws Invalid {
        int[] pos = {from};
        String requestLine = line(in, pos, len);
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty() || !parts[2].equals("HTTP/1.1")) {
            throw new Invalid("request line: " + printable(requestLine), false);
        }
        if (!parts[1].startsWith("/")) {
            throw new Invalid("target: " + printable(parts[1]), false);
        }
        for (char ch : parts[1].toCharArray()) {
            if (ch <= 0x20 || ch >= 0x7f) {
                throw new Invalid("target character " + (int) ch, false);
            }
        }
        long contentLength = -1;
        boolean chunked = false;
        int hosts = 0;
        for (String h = line(in, pos, len); !h.isEmpty(); h = line(in, pos, len)) {
            int colon = h.indexOf(':');
            if (colon <= 0 || !isToken(h.substring(0, colon))) {
                throw new Invalid("header line: " + printable(h), false);
            }
            String name = h.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            for (char ch : value.toCharArray()) {
                if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
                    throw new Invalid("control character in " + name, false);
                }
            }
            switch (name) {
                case "host" -> hosts++;
                case "content-length" -> {
                    if (contentLength >= 0 || !value.matches("[0-9]{1,15}")) {
                        throw new Invalid("content-length: " + printable(value), false);
                    }
                    contentLength = Long.parseLong(value);
                }
                case "transfer-encoding" -> {
                    if (chunked || !value.equalsIgnoreCase("chunked")) {
                        throw new Invalid("transfer-encoding: " + printable(value), false);
                    }
                    chunked = true;
                }
                default -> {
                }
            }
        }
        if (hosts != 1) {
            throw new Invalid(hosts + " Host headers", false);
        }
        if (chunked && contentLength >= 0) {
            throw new Invalid("both Transfer-Encoding and Content-Length", false);
        }
        long body;
        if (chunked) {
            body = 0;
            for (;;) {
                String size = line(in, pos, len);
                int semi = size.indexOf(';');
                String hex = semi < 0 ? size : size.substring(0, semi);
                if (!hex.matches("[0-9a-fA-F]{1,8}")) {
                    throw new Invalid("chunk size: " + printable(size), false);
                }
                long n = Long.parseLong(hex, 16);
                if (n == 0) {
                    for (String t = line(in, pos, len); !t.isEmpty(); t = line(in, pos, len)) {
                        if (t.indexOf(':') <= 0) {
                            throw new Invalid("trailer: " + printable(t), false);
                        }
                    }
                    break;
                }
                if (pos[0] + n + 2 > len) {
                    throw new Invalid("chunk data", true);
                }
                pos[0] += (int) n;
                if (in[pos[0]] != '\r' || in[pos[0] + 1] != '\n') {
                    throw new Invalid("no CRLF after chunk data", false);
                }
                pos[0] += 2;
                body += n;
            }
        } else {
            body = Math.max(0, contentLength);
            if (pos[0] + body > len) {
                throw new Invalid("body", true);
            }
            pos[0] += (int) body;
        }
        return new Request(parts[0], parts[1], body, pos[0] - from);
    }

    private static String line(byte[] in, int[] pos, int len) throws Invalid {
        int start = pos[0];
        for (int i = start; i < len; i++) {
            byte b = in[i];
            if (b == '\n') {
                throw new Invalid("bare LF", false);
            }
            if (b == '\r') {
                if (i + 1 >= len) {
                    throw new Invalid("line", true);
                }
                if (in[i + 1] != '\n') {
                    throw new Invalid("bare CR", false);
                }
                pos[0] = i + 2;
                return new String(in, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (b == 0) {
                throw new Invalid("NUL in a line", false);
            }
        }
        throw new Invalid("line", true);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (char ch : s.toCharArray()) {
            if (!(Character.isLetterOrDigit(ch) && ch < 0x80) && "!#$%&'*+-.^_`|~".indexOf(ch) < 0) {
                return false;
            }
        }
        return true;
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char ch : s.toCharArray()) {
            sb.append(ch < 0x20 || ch >= 0x7f ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
            if (sb.length() > 120) {
                return sb + "...";
            }
        }
        return sb.toString();
    }
}
