package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
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
 * Each request head goes through today's path (Netty's decoder as {@link RequestDecoder} configures it, on an
 * embedded channel, then {@link RequestChecks} and {@link RequestRouter#originForm}, with ClientConnection's mapping
 * of decoder failures to statuses) and through {@link HeadScan}; both must give the same verdict: the same status,
 * or both accepted with the same method, target, Host, framing, keep-alive, WebSocket upgrade, hop-by-hop bits and
 * the same header lines (names and values as Netty decoded them). The one kind of disagreement allowed is where the
 * scanner is stricter by design (its javadoc's "stricter than today": obs-fold, whitespace before the first header
 * line, trailing whitespace other than SP/HTAB, a request line Netty reads after trimming control bytes), and only as
 * a 400 of the scanner's.
 */
class HeadScanAgreementTest {

    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADER_SIZE = 16 * 1024;
    private static final int MAX_COUNT = 100;
    private static final int GENERATED = 20_000;
    private static final long SEED = 20_261_206L;

    /** The scanner's messages for what it refuses on purpose where today's path goes on. */
    private static final Set<String> STRICTER = Set.of(
            "Bad Request: a header line may not start with whitespace (obs-fold).",
            "Bad Request: only SP and HTAB may follow a header value.",
            "Bad Request: more than one Content-Length.");

    private final HeadScan scan = new HeadScan(MAX_LINE, MAX_HEADER_SIZE, MAX_COUNT);

    // ------------------------------------------------------------------ vectors

    /** RequestSmugglingTest's requests (the heads and what follows them). */
    private static final String SMUGGLED = "GET /raw/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String[] SMUGGLING = {
        "POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello" + SMUGGLED,
        "POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 45\r\n\r\nhello" + SMUGGLED,
        "POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello" + SMUGGLED,
        "POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
        "POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n" + SMUGGLED,
        "POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
        "POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + SMUGGLED,
        "POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n" + SMUGGLED,
        "GET /raw HTTP/1.1\r\n\r\n",
        "GET /raw HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET /raw hTTP/1.1\r\n\r\n",
        "GET /raw HTTP/2.0\r\nHost: a\r\n\r\n",
        "GET /raw/\u00ff HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /raw/\u007f HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /raw/old HTTP/1.0\r\n\r\n",
        "GET /raw HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(17 * 1024) + "\r\n\r\n",
        "GET /raw?" + "q".repeat(9 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
    };

    /** Hand-made heads for each rule of HeadScan's javadoc, and its edges. */
    private static List<String> ruleVectors() {
        List<String> v = new ArrayList<>();
        String ok = "GET /p HTTP/1.1\r\nHost: h\r\n";
        v.add(ok + "\r\n");
        v.add("\r\n\r\n" + ok + "\r\n");
        v.add(" \t" + ok + "\r\n");
        v.add("\u0000" + ok + "\r\n");
        v.add(ok); // not ended
        v.add("GET /p HTTP/1.1\r\nHost: h");
        v.add("GET /p HTT");
        v.add("\r\n\r\n");
        // line ends
        v.add("GET /p HTTP/1.1\nHost: h\r\n\r\n");
        v.add("GET /p HTTP/1.1\r\nHost: h\n\r\n");
        v.add("GET /p HTTP/1.1\r\nHost: h\r\n\n");
        v.add("GET /p HTTP/1.1\r\nHost: h\rX: y\r\n\r\n");
        v.add("GET /p\r HTTP/1.1\r\nHost: h\r\n\r\n");
        v.add("GET /p HTTP/1.1\r\r\nHost: h\r\n\r\n");
        // request line
        for (String line : new String[] {"GET  /p HTTP/1.1", "GET /p  HTTP/1.1", "GET\t/p HTTP/1.1", "GET /p HTTP/1.1 ",
            "GET /p HTTP/1.1\t", "GET /p HTTP/1.1\u000b", "GET\u000b/p HTTP/1.1", "GET\u001f/p HTTP/1.1",
            "GET /p\u001fHTTP/1.1", "GET /p HTTP/1.1\u001f", "GET /p", "GET", "GET /p HTTP/1.1 x", "get /p HTTP/1.1",
            "G\u0000T /p HTTP/1.1", "G(T /p HTTP/1.1", "GET /p HTTP/1.2", "GET /p HTTP/11.1", "GET /p HTTP/1",
            "GET /p HTTP/1.", "GET /p /1.1", "GET /p A/B/1.1", "GET /p HTTP/99999999999.1", "GET /p http/1.0",
            "GET /p \u0001HTTP/1.1", "GET * HTTP/1.1", "OPTIONS * HTTP/1.1", "CONNECT h:80 HTTP/1.1",
            "GET http://h/p?q HTTP/1.1", "GET http://h HTTP/1.1", "GET http://h?q=1 HTTP/1.1", "GET p HTTP/1.1",
            "GET /p\u00ff HTTP/1.1", "GET /p\"<> HTTP/1.1", "PURGE /p HTTP/1.1", "M-SEARCH /p HTTP/1.1"}) {
            v.add(line + "\r\nHost: h\r\n\r\n");
        }
        v.add("GET /" + "a".repeat(MAX_LINE - 15) + " HTTP/1.1\r\nHost: h\r\n\r\n"); // exactly the limit
        v.add("GET /" + "a".repeat(MAX_LINE - 14) + " HTTP/1.1\r\nHost: h\r\n\r\n");
        v.add("GET /" + "a".repeat(MAX_LINE - 16) + " HTTP/1.1\r\nHost: h\r\n\r\n");
        v.add("\r\n" + "GET /" + "a".repeat(MAX_LINE - 15) + " HTTP/1.1\r\nHost: h\r\n\r\n");
        v.add("GET /" + "a".repeat(MAX_LINE + 10));
        v.add("GET /" + "a".repeat(MAX_LINE - 10));
        // header lines
        for (String line : new String[] {"X: y", "X:y", "X:", "X: ", "X:  y  ", "X:\ty\t", ": y", "X y", "X : y",
            "X\t: y", " X: y", "\tX: y", "X: a\u0000b", "X: a\u0001b", "X: a\u007fb", "X: a\u00ffb", "X: a\u0080b",
            "X: \u000by", "X: y\u000b", "X: y\u000c", "X: y\u001c", "X: \u001cy", "X(: y", "X\u00ff: y", "x-\u0000: y",
            "a:b: v", "X: a\tb", "X: a b  c", "X-Forwarded-For: 1.2.3.4", "Forwarded: for=1.2.3.4",
            "X-Forwarded-Host: evil", "X-Forwarded-Proto: https", "TE: trailers", "Trailer: X", "Keep-Alive: 5",
            "Proxy-Connection: keep-alive", "Proxy-Authorization: x", "Proxy-Authenticate: x", "Upgrade: h2c"}) {
            v.add("GET /p HTTP/1.1\r\nHost: h\r\n" + line + "\r\n\r\n");
            v.add("GET /p HTTP/1.1\r\n" + line + "\r\nHost: h\r\n\r\n");
        }
        v.add("GET /p HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n");
        v.add("GET /p HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n");
        v.add("GET /p HTTP/1.1\r\n Host: h\r\n\r\n");
        // header section size and count
        String pad = "X-Pad: ";
        int room = MAX_HEADER_SIZE - "Host: h".length() - pad.length();
        for (int d = -2; d <= 2; d++) {
            v.add("GET /p HTTP/1.1\r\nHost: h\r\n" + pad + "a".repeat(room + d) + "\r\n\r\n");
        }
        v.add("GET /p HTTP/1.1\r\nHost: h\r\n" + pad + "a".repeat(room + 5));
        // heads that end around the scanner's first window (its copy of the head), with body bytes behind, and
        // heads cut there
        int around = HeadLines.INITIAL_WINDOW - "GET /p HTTP/1.1\r\nHost: h\r\n".length() - pad.length() - 4;
        for (int d = -3; d <= 3; d++) {
            String head = "POST /p HTTP/1.1\r\nHost: h\r\n" + pad + "a".repeat(around + d) + "\r\nContent-Length: 3000\r\n";
            v.add(head + "\r\n" + "b".repeat(3000));
            v.add(head);
            v.add(head.substring(0, head.length() - 1));
            v.add("GET /p HTTP/1.1\r\nHost: h\r\n" + pad + "a".repeat(around + d) + "\r\n\r\nGET /next HTTP/1.1\r\n");
        }
        v.add("GET /p HTTP/1.1\r\nHost: h\r\n" + (pad + "a".repeat(500) + "\r\n").repeat(8) + "\r\n" + "b".repeat(9000));
        for (int n = MAX_COUNT - 2; n <= MAX_COUNT + 1; n++) {
            StringBuilder sb = new StringBuilder("GET /p HTTP/1.1\r\nHost: h\r\n");
            for (int i = 1; i < n; i++) {
                sb.append("X-H").append(i).append(": v\r\n");
            }
            v.add(sb.append("\r\n").toString());
        }
        // framing
        for (String f : new String[] {"Content-Length: 0", "Content-Length: 5", "Content-Length: 05", "Content-Length: +5",
            "Content-Length: -1", "Content-Length: 5 ", "Content-Length: 0x5", "Content-Length: 5, 5",
            "Content-Length: 999999999999999999", "Content-Length: 1000000000000000000",
            "Content-Length: 99999999999999999999", "Content-Length:", "Content-Length: 5\r\nContent-Length: 5",
            "Content-Length: 5\r\ncontent-length: 6", "Transfer-Encoding: chunked", "transfer-encoding: CHUNKED",
            "Transfer-Encoding: chunked ", "Transfer-Encoding: identity", "Transfer-Encoding: gzip, chunked",
            "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity",
            "Transfer-Encoding: chunked\r\nContent-Length: 5", "Transfer-Encoding: gzip\r\nContent-Length: 5",
            "Transfer-Encoding:", "Expect: 100-continue", "Expect: 100-Continue", "Expect: 200-ok", "Expect:",
            "Expect: 100-continue\r\nExpect: 100-continue", "Expect: nope\r\nTransfer-Encoding: gzip",
            "Transfer-Encoding: gzip\r\nExpect: nope", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\nExpect: x",
            "Expect: x\r\nContent-Length: 5, 5", "Host: other", "host: other"}) {
            v.add("POST /p HTTP/1.1\r\nHost: h\r\n" + f + "\r\n\r\n");
            v.add("POST /p HTTP/1.0\r\n" + f + "\r\n\r\n");
        }
        // keep-alive, Connection, upgrade
        for (String version : new String[] {"HTTP/1.1", "HTTP/1.0"}) {
            for (String c : new String[] {null, "close", "Close", "keep-alive", "Keep-Alive, Upgrade", "upgrade",
                "x, close", "keep-alive, close", "closed", "keep-alive,\tclose", "X-Secret", "close, X-SECRET ,keep-alive",
                "te, x-a"}) {
                String head = "GET /p " + version + "\r\nHost: h\r\nX-Secret: s\r\nx-a: 1\r\nUpgrade: websocket\r\n";
                v.add(head + (c == null ? "" : "Connection: " + c + "\r\n") + "\r\n");
            }
            v.add("GET /p " + version + "\r\nHost: h\r\nConnection: keep-alive\r\nConnection: Upgrade\r\n"
                    + "Upgrade: WebSocket\r\n\r\n");
            v.add("GET /p " + version + "\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: h2c, websocket\r\n\r\n");
        }
        return v;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void scan_requestSmugglingTestsRequests_sameVerdictAsTodaysPath() {
        Tally t = new Tally();
        for (String s : SMUGGLING) {
            t.compare(bytes(s));
        }
        t.assertAgreed();
        assertEquals(0, t.deviations.size(), "no deviation expected here: " + t.deviations);
    }

    @Test
    void scan_eachRuleAndItsEdges_sameVerdictAsTodaysPathOrStricter() {
        Tally t = new Tally();
        for (String s : ruleVectors()) {
            t.compare(bytes(s));
        }
        t.report("rules");
        t.assertAgreed();
    }

    @Test
    void scan_twentyThousandMutatedRequests_sameVerdictAsTodaysPathOrStricter() {
        Tally t = new Tally();
        Random random = new Random(SEED);
        for (int i = 0; i < GENERATED; i++) {
            t.compare(mutated(random, i));
        }
        t.report("mutated");
        t.assertAgreed();
        assertTrue(t.accepted > GENERATED / 10 && t.byStatus.size() > 3, "the generator covers both: " + t.byStatus);
    }

    @Test
    void scan_headInASliceOfALargerBuffer_offsetsAreTheBuffersOwn() {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(bytes("xxxxGET /a?b HTTP/1.1\r\nHost: h:1\r\nConnection: keep-alive, X-A\r\nX-A: 1\r\nY: 2\r\n\r\nnext"));
        b.readerIndex(4);
        assertEquals(0, scan.scan(b), scan.message);
        assertEquals("GET", scan.method);
        assertEquals("/a?b", scan.target);
        assertEquals("h:1", scan.host);
        assertEquals(4, scan.count);
        assertEquals(b.writerIndex() - 4, scan.end);
        assertEquals("X-A", b.toString(scan.nameStart(2), scan.nameEnd(2) - scan.nameStart(2), StandardCharsets.US_ASCII));
        assertTrue(scan.cut(1) && scan.cut(2) && !scan.cut(0) && !scan.cut(3), "Connection and the line it names");
        assertEquals(4, b.readerIndex(), "the scan moves nothing");
        String host = scan.host;
        assertEquals(0, scan.scan(b));
        assertTrue(host == scan.host, "the same Host bytes give the same string");
    }

    @Test
    void cut_connectionListingFewOrManyNames_cutsExactlyTheListedLines() {
        for (int names : new int[] {2, 16, 17, 40}) {
            StringBuilder list = new StringBuilder("keep-alive");
            for (int i = 1; i < names; i++) {
                list.append(i % 2 == 0 ? ", " : ",x-n").append(i % 2 == 0 ? "x-n" + i : String.valueOf(i));
            }
            String head = "GET /c HTTP/1.1\r\nHost: h\r\nX-N1: a\r\nConnection: " + list + "\r\nx-n" + (names - 1)
                    + ": b\r\nX-Kept: c\r\n\r\n";
            assertEquals(0, scan.scan(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1)), scan.message);
            String cut = "";
            for (int h = 0; h < scan.count; h++) {
                cut += scan.cut(h) ? "cut " : "kept ";
            }
            assertEquals("kept cut cut cut kept ", cut, names + " names: " + head);
        }
    }

    @Test
    void scan_headsLongerThanTheFirstWindowThenShortOnes_eachScannedWhole() {
        String big = "GET /big HTTP/1.1\r\nHost: h\r\nX-Pad: " + "a".repeat(3 * HeadLines.INITIAL_WINDOW) + "\r\n\r\n";
        String small = "GET /small HTTP/1.1\r\nHost: other\r\nX-Last: z\r\n\r\n";
        ByteBuf b = Unpooled.copiedBuffer(big + small + big, StandardCharsets.ISO_8859_1);
        for (String expected : new String[] {big, small, big}) {
            assertEquals(0, scan.scan(b), scan.message);
            assertEquals(b.readerIndex() + expected.length(), scan.end, "the head ends where its blank line does");
            assertEquals(expected.contains("other") ? "other" : "h", scan.host);
            int last = scan.count - 1;
            assertEquals(b.toString(scan.valueStart(last), scan.valueEnd(last) - scan.valueStart(last),
                    StandardCharsets.ISO_8859_1), scan.text(scan.valueStart(last), scan.valueEnd(last)));
            b.readerIndex(scan.end);
        }
    }

    @Test
    void scan_twoConnectionsOnOneThreadTakingTurns_eachScanDescribesItsOwnHeadAndAnIdleOneHoldsNoTable() {
        // Two connections' scanners share their thread's workspace: each scan must describe its own head, also right
        // after the other connection scanned a longer one (a larger copy, more lines) in the same arrays.
        HeadScan other = new HeadScan(MAX_LINE, MAX_HEADER_SIZE, MAX_COUNT);
        String mine = "GET /mine HTTP/1.1\r\nHost: mine\r\nConnection: x-gone\r\nX-Gone: 1\r\nX-Kept: 2\r\n\r\n";
        String theirs = "POST /theirs HTTP/1.1\r\nHost: theirs\r\nContent-Length: 3\r\nX-Pad: "
                + "p".repeat(2 * HeadLines.INITIAL_WINDOW) + "\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
        for (int round = 0; round < 3; round++) {
            assertEquals(0, scan.scan(Unpooled.copiedBuffer(mine, StandardCharsets.ISO_8859_1)), scan.message);
            assertEquals("mine", scan.host);
            assertEquals(4, scan.count);
            assertEquals("kept cut cut kept ", cuts(scan));
            assertEquals("2", scan.text(scan.valueStart(3), scan.valueEnd(3)));
            assertEquals(0, other.scan(Unpooled.copiedBuffer(theirs, StandardCharsets.ISO_8859_1)), other.message);
            assertEquals("theirs", other.host);
            assertEquals(3, other.contentLength);
            assertEquals(7, other.count);
            assertEquals("kept kept kept kept kept kept kept ", cuts(other));
            assertEquals("4", other.text(other.valueStart(6), other.valueEnd(6)));
            assertSame(scan.lines, other.lines, "one line table per thread for request heads");
        }
        HeadScan idle = new HeadScan(MAX_LINE, MAX_HEADER_SIZE, MAX_COUNT);
        assertEquals(0, idle.lines.length, "a scanner that has not scanned holds no line table");
    }

    private static String cuts(HeadScan s) {
        StringBuilder b = new StringBuilder();
        for (int h = 0; h < s.count; h++) {
            b.append(s.cut(h) ? "cut " : "kept ");
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ the two paths

    private static final int NEED_MORE = HeadScan.NEED_MORE;

    /** Today's verdict: the status and, when accepted, what the later steps use. */
    private static String today(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(MAX_LINE, MAX_HEADER_SIZE, null));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
            Object first = ch.readInbound();
            if (first == null) {
                return String.valueOf(NEED_MORE);
            }
            HttpRequest req = (HttpRequest) first;
            try {
                if (req.decoderResult().isFailure()) {
                    Throwable cause = req.decoderResult().cause();
                    return cause instanceof TooLongHttpLineException ? "414"
                            : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException ? "431"
                            : "400";
                }
                RequestChecks k = new RequestChecks(MAX_COUNT);
                int status = k.check(req, false);
                if (status != 0) {
                    return String.valueOf(status);
                }
                if (RequestRouter.originForm(req.uri()) == null) {
                    return "400";
                }
                boolean webSocket = k.upgrade != null && Headers.listedIn(k.connection, "upgrade")
                        && Headers.listedIn(k.upgrade, "websocket");
                StringBuilder headers = new StringBuilder();
                for (Map.Entry<String, String> e : req.headers()) {
                    headers.append(line(e.getKey(), e.getValue()));
                }
                return facts(req.method().name(), req.uri(), k.host, req.protocolVersion() == HttpVersion.HTTP_1_0,
                        k.contentLength, k.chunked, k.hasBody, k.expectContinue,
                        Headers.keepAlive(req.protocolVersion(), k.connection), webSocket, k.found, headers.toString());
            } finally {
                ReferenceCountUtil.release(req);
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private String scanned(byte[] bytes) {
        ByteBuf b = Unpooled.wrappedBuffer(bytes);
        int status = scan.scan(b);
        if (status != 0) {
            return String.valueOf(status);
        }
        StringBuilder headers = new StringBuilder();
        for (int h = 0; h < scan.count; h++) {
            headers.append(line(text(b, scan.nameStart(h), scan.nameEnd(h)), text(b, scan.valueStart(h), scan.valueEnd(h))));
        }
        return facts(scan.method, scan.target, scan.host, scan.http10, scan.contentLength, scan.chunked, scan.hasBody,
                scan.expectContinue, scan.keepAlive, scan.webSocket, scan.found, headers.toString());
    }

    /**
     * A header line as compared; not Content-Length, whose number is compared as the length (Netty 4.1.138 writes the
     * number it parsed back, at the end and under a lower-case name; the scanner leaves the bytes).
     */
    private static String line(String name, String value) {
        return name.equalsIgnoreCase("content-length") ? "" : name + "=" + value + ";";
    }

    private static String facts(String method, String target, String host, boolean http10, long length, boolean chunked,
                                boolean hasBody, boolean expect, boolean keepAlive, boolean webSocket, int found,
                                String headers) {
        return "0 " + method + " " + target + " host=" + host + " http10=" + http10 + " length=" + length + " chunked="
                + chunked + " body=" + hasBody + " expect=" + expect + " keepAlive=" + keepAlive + " webSocket="
                + webSocket + " found=" + Integer.toBinaryString(found) + " " + headers;
    }

    /** Agreements and disagreements over many vectors. */
    private final class Tally {
        final Map<String, Integer> byStatus = new TreeMap<>();
        final Map<String, Integer> deviations = new TreeMap<>();
        final List<String> disagreements = new ArrayList<>();
        int accepted;
        /** Refused by the scanner as soon as the bad line was complete, by today's path once the next one came. */
        int decidedEarlier;

        void compare(byte[] bytes) {
            String expected = today(bytes);
            String actual = scanned(bytes);
            if (expected.equals(String.valueOf(NEED_MORE)) && !actual.equals(expected)) {
                // Netty checks a header line when the next one has come (it may be folded); the scanner at once. So
                // today's verdict on the complete lines is that of the head ended right after them.
                int lastLf = lastIndexOf(bytes, (byte) '\n');
                if (lastLf > 0) {
                    byte[] ended = java.util.Arrays.copyOf(bytes, lastLf + 3);
                    ended[lastLf + 1] = '\r';
                    ended[lastLf + 2] = '\n';
                    String later = today(ended);
                    if (later.equals(actual) && !actual.startsWith("0")) {
                        decidedEarlier++;
                        return;
                    }
                }
            }
            String status = expected.split(" ", 2)[0];
            if (expected.equals(actual)) {
                byStatus.merge(status, 1, Integer::sum);
                accepted += status.equals("0") ? 1 : 0;
            } else if (actual.equals("400") && STRICTER.contains(scan.message)) {
                deviations.merge(scan.message + " (today: " + status + ")", 1, Integer::sum);
            } else {
                disagreements.add(show(bytes) + "\n    today:   " + cut(expected) + "\n    scanner: " + cut(actual)
                        + " " + scan.message);
            }
        }

        void report(String what) {
            System.out.println("HeadScanAgreementTest " + what + ": agreed " + byStatus + "; scanner stricter "
                    + deviations + "; refused earlier than today " + decidedEarlier + "; disagreements " + disagreements.size());
        }

        void assertAgreed() {
            assertEquals(List.of(), disagreements, disagreements.size() + " disagreements, the first ones:\n"
                    + String.join("\n", disagreements.subList(0, Math.min(40, disagreements.size()))));
        }
    }

    // ------------------------------------------------------------------ the generator

    private static final String[] LINES = {
        "Transfer-Encoding: chunked", "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: identity, chunked",
        "Transfer-Encoding: xchunked", "Transfer-Encoding : chunked", "Transfer-Encoding:\tchunked", "TRANSFER-ENCODING: Chunked",
        "Content-Length: 5", "Content-Length: 007", "Content-Length: 5,5", "Content-Length: +0", "Content-Length: -0",
        "Content-Length: 123456789012345678901", "Content-Length:5", "Content-Length: 5\t", "Content-Length\t: 5",
        " Content-Length: 5", "Host: other.example", "Host:", "Expect: 100-continue", "Expect: 100-continue, x",
        "Connection: close", "Connection: keep-alive", "Connection: upgrade, x-drop", "Upgrade: websocket", "X-Drop: 1",
        "Keep-Alive: timeout=5", "TE: trailers", "Trailer: Content-Length", "X-Forwarded-For: 10.0.0.1",
        "Forwarded: for=10.0.0.1", "X-Forwarded-Host: a", "X-Forwarded-Proto: https", "Proxy-Connection: close",
        "Cookie: a=1; b=2", "Accept: */*", "User-Agent: gen/1.0", "X-Folded: a\r\n\tb", "X-Empty:"};
    private static final String[] FIRST = {"GET %s HTTP/1.1", "POST %s HTTP/1.1", "HEAD %s HTTP/1.0", "PUT %s HTTP/1.1",
        "GET %s HTTP/1.0", "DELETE http://h.example%s HTTP/1.1", "GET %s HTTP/1.1 ", "GET  %s HTTP/1.1",
        "GET %s\tHTTP/1.1", "GET %s HTTP/3.0", "OPTIONS * HTTP/1.1", "CONNECT h:443 HTTP/1.1", "G@T %s HTTP/1.1",
        "GET %s HTTP/1.1\u000b", "GET %s"};
    private static final char[] ODD = {' ', '\t', '\u0000', '\r', '\n', ':', '\u00ff', '\u000b', '\u007f', ',', '\u001f'};

    /** A request built from well-formed parts, then one to three mutations, then maybe flipped bits or a cut. */
    private static byte[] mutated(Random r, int n) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(r.nextInt(3) == 0 ? FIRST[r.nextInt(FIRST.length)] : FIRST[r.nextInt(4)], "/g/" + n));
        lines.add("Host: h.example");
        for (int i = r.nextInt(4); i > 0; i--) {
            lines.add(LINES[r.nextInt(LINES.length)]);
        }
        for (int m = 1 + r.nextInt(3); m > 0; m--) {
            int at = 1 + r.nextInt(lines.size() - 1);
            switch (r.nextInt(6)) {
                case 0 -> lines.add(at, LINES[r.nextInt(LINES.length)]);
                case 1 -> lines.add(at, lines.get(at));
                case 2 -> lines.remove(at);
                case 3 -> {
                    String l = lines.get(at);
                    int i = r.nextInt(l.length() + 1);
                    lines.set(at, l.substring(0, i) + ODD[r.nextInt(ODD.length)] + l.substring(i));
                }
                case 4 -> {
                    String l = lines.get(0);
                    int i = r.nextInt(l.length() + 1);
                    lines.set(0, l.substring(0, i) + ODD[r.nextInt(ODD.length)] + l.substring(i));
                }
                default -> java.util.Collections.swap(lines, at, 1 + r.nextInt(lines.size() - 1));
            }
            if (lines.size() < 2) {
                lines.add("X: y");
            }
        }
        StringBuilder sb = new StringBuilder(r.nextInt(30) == 0 ? "\r\n" : "");
        for (String l : lines) {
            sb.append(l).append(r.nextInt(50) == 0 ? "\n" : "\r\n");
        }
        byte[] b = bytes(sb.append("\r\nhello").toString());
        if (r.nextInt(5) == 0) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        }
        if (r.nextInt(20) == 0) {
            b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
        }
        return b;
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(ByteBuf b, int from, int to) {
        return b.toString(from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static String show(byte[] bytes) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < Math.min(bytes.length, 200); i++) {
            int c = bytes[i] & 0xff;
            sb.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : c < 0x20 || c >= 0x7f ? String.format("\\x%02x", c)
                    : String.valueOf((char) c));
        }
        return sb.append(bytes.length > 200 ? "...'" : "'").toString();
    }
}
