package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each response head, followed by the same probe bytes, goes through the backend side's decoder
 * ({@link BackendCodec}, after a GET or a HEAD was written on the embedded channel) and through {@link ResponseScan};
 * both must agree: a head Netty cannot decode is one the scanner refuses (502), and otherwise the same status code,
 * version, keep-alive, the same header lines written on (hop-by-hop ones and those Connection lists left out, as
 * {@link ResponseHeads#prepare} leaves them out), and the same body taken from the probe (which shows the framing:
 * none, a length, chunks, or to the close). The scanner may refuse more (its javadoc says which); those are counted.
 */
class ResponseScanAgreementTest {

    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADER_SIZE = 32768;
    /** A valid chunked body; as a fixed-length or to-the-close body its bytes as they are. */
    private static final String PROBE = "3\r\nabc\r\n0\r\n\r\n";

    /** ResponseHeads' hop-by-hop names (private there): what is not written on to the client. */
    private static final Set<String> HOP = Set.of("te", "upgrade", "trailer", "connection", "keep-alive",
            "proxy-connection", "transfer-encoding", "proxy-authenticate", "proxy-authorization");

    private static final Set<String> STRICTER = Set.of(
            "Bad response head: a header line may not start with whitespace (obs-fold).",
            "Bad response head: a header name must be a token followed by a colon.",
            "Bad response head: only SP and HTAB may follow a header value.",
            "Bad response head: the status line must start with HTTP/1.1 or HTTP/1.0, SP and a three-digit code.",
            "Bad response head: the status code must be three digits.",
            "Bad response head: the status code must be from 100 to 999.",
            "Bad response head: the reason phrase holds a control character.",
            "Bad response head: a Transfer-Encoding without chunked and a Content-Length.",
            "Bad response head: more than one Content-Length.");

    private final ResponseScan scan = new ResponseScan(MAX_LINE, MAX_HEADER_SIZE);

    private static List<String> vectors() {
        List<String> v = new ArrayList<>();
        v.add("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 06 Dec 2026 19:00:00 GMT\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 2\r\nConnection: keep-alive\r\n\r\n");
        v.add("HTTP/1.1 200 Fine\r\ncontent-length: 2\r\nCONNECTION: close\r\nX-Own: 1\r\n\r\n");
        v.add("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nContent-Lengthy: 3\r\nDat: x\r\n\r\n");
        v.add("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nETag: \"a\"\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n");
        v.add("HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\n");
        v.add("HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 2\r\n\r\n");
        v.add("HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n");
        for (String line : new String[] {"HTTP/1.1 200 OK", "HTTP/1.1 200", "HTTP/1.1 200 ", "HTTP/1.0 200 OK",
            "HTTP/1.1 100 Continue", "HTTP/1.1 101 Switching Protocols", "HTTP/1.1 204 No Content", "HTTP/1.1 304 Not Modified",
            "HTTP/1.1 404 Not Found", "HTTP/1.1 503 Busy", "HTTP/1.1 20 OK", "HTTP/1.1 099 X", "HTTP/2 200 OK",
            "http/1.1 200 OK", "HTTP/1.1  200 OK", "HTTP/1.1\t200 OK", "HTTP/1.1 200 O\u0001K", "HTTP/1.1 200 \u00e9t\u00e9",
            "HTTP/1.2 200 OK", "HTTP/1.1 abc OK", " HTTP/1.1 200 OK", "\r\nHTTP/1.1 200 OK"}) {
            for (String framing : new String[] {"", "Content-Length: 3", "Content-Length: 0", "Content-Length: 30",
                "Transfer-Encoding: chunked", "Transfer-Encoding: chunked\r\nContent-Length: 3",
                "Transfer-Encoding: gzip", "Transfer-Encoding: gzip\r\nContent-Length: 3", "Transfer-Encoding: gzip, chunked",
                "Content-Length: 3\r\nContent-Length: 3", "Content-Length: 3, 3", "Content-Length: 3\r\nContent-Length: 4",
                "Content-Length: +3", "Content-Length: 03", "Content-Length: x"}) {
                v.add(line + "\r\n" + (framing.isEmpty() ? "" : framing + "\r\n") + "X-A: 1\r\n\r\n");
            }
        }
        for (String h : new String[] {"Connection: close", "Connection: keep-alive", "Connection: X-A, close",
            "Connection: x-a\r\nConnection: keep-alive", "Keep-Alive: timeout=5", "Upgrade: h2c", "Trailer: X",
            "Proxy-Authenticate: Basic", "TE: trailers", "X-B: a\r\n b", "X-B : b", "X-B:\tb\t", "X-B: b\u000b",
            "X-B: a\u0000b", "X-B: a\u007fb", ": b", "X(B: b", "X-B: " + "v".repeat(MAX_HEADER_SIZE)}) {
            for (String version : new String[] {"HTTP/1.1", "HTTP/1.0"}) {
                v.add(version + " 200 OK\r\nX-A: 1\r\n" + h + "\r\nContent-Length: 3\r\n\r\n");
            }
        }
        v.add("HTTP/1.1 200 OK\nContent-Length: 3\r\n\r\n");
        v.add("HTTP/1.1 200 OK\r\nContent-Length: 3\n\r\n");
        v.add("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n");
        v.add("HTTP/1.1 200 O");
        // heads that end around the scanner's first window (its copy of the head), and cut there
        String start = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Pad: ";
        int around = HeadLines.INITIAL_WINDOW - start.length() - 4;
        for (int d = -3; d <= 3; d++) {
            String head = start + "p".repeat(around + d) + "\r\nConnection: keep-alive\r\n";
            v.add(head + "\r\n");
            v.add(head);
            v.add(head.substring(0, head.length() - 1));
        }
        v.add(start + "p".repeat(5 * HeadLines.INITIAL_WINDOW) + "\r\n\r\n");
        return v;
    }

    @Test
    void scan_responseHeadsAfterAGet_sameVerdictAsTheBackendDecoderOrStricter() {
        Tally t = new Tally();
        for (String s : vectors()) {
            t.compare(s, false);
        }
        t.report("GET");
        t.assertAgreed();
    }

    @Test
    void scan_responseHeadsAfterAHead_sameVerdictAsTheBackendDecoderOrStricter() {
        Tally t = new Tally();
        for (String s : vectors()) {
            t.compare(s, true);
        }
        t.report("HEAD");
        t.assertAgreed();
    }

    @Test
    void scan_generatedResponseHeads_sameVerdictAsTheBackendDecoderOrStricter() {
        Random r = new Random(20_261_206L);
        String[] lines = {"Content-Length: 3", "Content-Length: 12", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip",
            "Connection: close", "Connection: keep-alive", "Connection: x-b", "X-B: 2", "Keep-Alive: timeout=5",
            "Server: s", "Set-Cookie: a=1", "Content-Length: 3, 3", "Upgrade: websocket"};
        String[] first = {"HTTP/1.1 200 OK", "HTTP/1.0 200 OK", "HTTP/1.1 204 No Content", "HTTP/1.1 304 Not Modified",
            "HTTP/1.1 100 Continue", "HTTP/1.1 500 Oops", "HTTP/1.1 200"};
        Tally t = new Tally();
        for (int i = 0; i < 4000; i++) {
            StringBuilder sb = new StringBuilder(first[r.nextInt(first.length)]).append("\r\n");
            for (int n = r.nextInt(5); n > 0; n--) {
                sb.append(lines[r.nextInt(lines.length)]).append("\r\n");
            }
            byte[] b = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
            if (r.nextInt(4) == 0) {
                b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
            t.compare(new String(b, StandardCharsets.ISO_8859_1), r.nextInt(5) == 0);
        }
        t.report("generated");
        t.assertAgreed();
        assertTrue(t.byVerdict.getOrDefault("0", 0) > 400 && t.byVerdict.getOrDefault("502", 0) > 400,
                "the generator covers both verdicts: " + t.byVerdict);
    }

    // ------------------------------------------------------------------ the two paths

    private static String today(String head, boolean headRequest) {
        EmbeddedChannel ch = new EmbeddedChannel();
        BackendCodec.addTo(ch.pipeline(), MAX_LINE, MAX_HEADER_SIZE);
        try {
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                    headRequest ? HttpMethod.HEAD : HttpMethod.GET, "/p");
            req.headers().set("host", "b");
            ch.writeOutbound(req);
            for (Object o; (o = ch.readOutbound()) != null; ) {
                ReferenceCountUtil.release(o);
            }
            ch.writeInbound(bytes(head + PROBE));
            ch.finish();
            Object first = ch.readInbound();
            if (first == null) {
                return String.valueOf(HeadLines.NEED_MORE);
            }
            HttpResponse r = (HttpResponse) first;
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(r);
                return "502";
            }
            HttpHeaders h = r.headers();
            String connection = h.contains("connection") ? String.join(",", h.getAll("connection")) : null;
            StringBuilder kept = new StringBuilder();
            for (Map.Entry<String, String> e : h) {
                String n = e.getKey().toLowerCase();
                if (!HOP.contains(n) && !n.equals("content-length") && !Headers.listedIn(connection, n)) {
                    kept.append(e.getKey()).append('=').append(e.getValue()).append(';');
                }
            }
            StringBuilder body = new StringBuilder();
            boolean ended = false;
            for (Object o; !ended && (o = ch.readInbound()) != null; ) {
                if (o instanceof HttpContent c) {
                    if (c.decoderResult().isFailure()) {
                        body.append("<failed>");
                    }
                    body.append(c.content().toString(StandardCharsets.ISO_8859_1));
                    ended = c instanceof LastHttpContent;
                }
                ReferenceCountUtil.release(o);
            }
            return describe(r.status().code(), r.protocolVersion() == HttpVersion.HTTP_1_0,
                    Headers.keepAlive(r.protocolVersion(), connection), kept.toString(), body.toString(), ended);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private String scanned(String head, boolean headRequest) {
        ByteBuf b = bytes(head + PROBE);
        int status = scan.scan(b, headRequest);
        if (status != 0) {
            return String.valueOf(status);
        }
        StringBuilder kept = new StringBuilder();
        for (int h = 0; h < scan.count; h++) {
            if (!scan.cut(h) && scan.kind(h) != HeadLines.CONTENT_LENGTH) {
                kept.append(text(b, scan.nameStart(h), scan.nameEnd(h))).append('=')
                        .append(text(b, scan.valueStart(h), scan.valueEnd(h))).append(';');
            }
        }
        String probe = text(b, scan.end, b.writerIndex());
        String body;
        boolean ended = true;
        switch (scan.framing) {
            case ResponseScan.NO_BODY -> body = "";
            case ResponseScan.CHUNKS -> body = "abc";
            case ResponseScan.LENGTH -> {
                ended = scan.contentLength <= probe.length();
                body = ended ? probe.substring(0, (int) scan.contentLength) : probe;
            }
            default -> body = probe;
        }
        return describe(scan.code, scan.http10, scan.keepAlive, kept.toString(), body, ended);
    }

    private static String describe(int code, boolean http10, boolean keepAlive, String kept, String body,
                                   boolean ended) {
        return "0 " + code + " http10=" + http10 + " keepAlive=" + keepAlive + " [" + kept + "] body='"
                + body.replace("\r\n", "|") + "' ended=" + ended;
    }

    private final class Tally {
        final Map<String, Integer> byVerdict = new TreeMap<>();
        final Map<String, Integer> deviations = new TreeMap<>();
        final List<String> disagreements = new ArrayList<>();

        void compare(String head, boolean headRequest) {
            String expected = today(head, headRequest);
            String actual = scanned(head, headRequest);
            if (expected.equals(actual)) {
                byVerdict.merge(expected.startsWith("0 ") ? "0" : expected, 1, Integer::sum);
            } else if (actual.equals("502") && STRICTER.contains(scan.message)) {
                deviations.merge(scan.message + " (today: " + expected.split(" ", 2)[0] + ")", 1, Integer::sum);
            } else {
                disagreements.add((headRequest ? "HEAD " : "GET ") + show(head) + "\n    today:   " + expected
                        + "\n    scanner: " + actual + " " + scan.message);
            }
        }

        void report(String what) {
            System.out.println("ResponseScanAgreementTest " + what + ": agreed " + byVerdict + "; scanner stricter "
                    + deviations + "; disagreements " + disagreements.size());
        }

        void assertAgreed() {
            assertEquals(List.of(), disagreements, disagreements.size() + " disagreements, the first ones:\n"
                    + String.join("\n", disagreements.subList(0, Math.min(40, disagreements.size()))));
        }
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static String text(ByteBuf b, int from, int to) {
        return b.toString(from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static String show(String s) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < Math.min(s.length(), 160); i++) {
            char c = s.charAt(i);
            sb.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : c < 0x20 || c >= 0x7f ? String.format("\\x%02x", (int) c)
                    : String.valueOf(c));
        }
        return sb.append(s.length() > 160 ? "...'" : "'").toString();
    }
}
