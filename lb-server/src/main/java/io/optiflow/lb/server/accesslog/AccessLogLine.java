package io.optiflow.lb.server.accesslog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A record as one JSON line (without the newline), ASCII only: every character outside printable ASCII is written as
 * a {@code \}{@code uXXXX} escape, so a request target with control bytes, quotes or backslashes stays one valid line.
 * Used by the writer thread only.
 */
final class AccessLogLine {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private AccessLogLine() {
    }

    /** Appends {@code r} as JSON to {@code out}; {@code epochNanos} is the wall-clock time its head came. */
    static void append(StringBuilder out, AccessRecord r, long epochNanos) {
        Instant at = Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L));
        out.append("{\"time\":\"");
        TIME.formatTo(at, out);
        out.append('"');
        field(out, "client", r.client);
        field(out, "method", r.method);
        field(out, "path", r.path);
        field(out, "protocol", r.protocol);
        field(out, "service", r.service);
        field(out, "backend", r.backend);
        out.append(",\"status\":").append(r.status);
        out.append(",\"bytes\":").append(r.bytes);
        out.append(",\"attempts\":").append(r.attempts);
        out.append(",\"duration_ms\":");
        millis(out, r.durationNanos);
        out.append(",\"backend_ms\":");
        if (r.backendNanos < 0) {
            out.append("null");
        } else {
            millis(out, r.backendNanos);
        }
        out.append('}');
    }

    /** {@code ,"name":} and the value as a JSON string, or null. */
    private static void field(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        string(out, value);
    }

    /** A JSON string, or null. */
    static void string(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        out.append('"');
    }

    /** Nanoseconds as milliseconds with three decimals (microseconds): {@code 1.234}. */
    static void millis(StringBuilder out, long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        out.append(micros / 1_000).append('.');
        long frac = micros % 1_000;
        if (frac < 100) {
            out.append('0');
        }
        if (frac < 10) {
            out.append('0');
        }
        out.append(frac);
    }
}
