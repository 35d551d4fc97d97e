package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Objects;

/**
 * A scanner of HTTP/1.1 request heads in the received buffer, in place: it finds the end of the head, records where
 * the request line's parts and each header line's name and value are (offsets into the buffer, in one reusable int
 * array: no object per header), and gives the verdict today's path (Netty's {@link RequestDecoder}, then
 * {@link RequestChecks}, then {@link RequestRouter#originForm}) gives the same bytes: accepted, or the status to
 * answer and close with. It is the first step of a byte-forwarding path for plain HTTP/1.1 (the head written on as
 * slices of what came in, with the lines the proxy owns cut and its forwarding lines added); it is not wired in yet.
 * {@code HeadScanAgreementTest} feeds the same bytes to both and compares.
 *
 * <p>Strings are made only where routing needs one: the method (a constant for the usual ones), the target, and the
 * Host value (kept from the request before when its bytes are the same). One instance per client connection, reused
 * for each request; {@link #scan} reads the buffer from its reader index and moves nothing.
 *
 * <p>The rules, in the order today's path applies them (the first that fails gives the status), and where each
 * comes from:
 * <ol>
 *   <li><b>Leading bytes</b>: control characters and whitespace before the request line are skipped, and count
 *       toward the request line's limit (Netty's decoder, state SKIP_CONTROL_CHARS; RFC 9112 §2.2 asks for empty
 *       lines to be ignored).</li>
 *   <li><b>Line ends</b>: every line ends with CR LF; a bare LF or a CR not followed by LF is 400 (RequestDecoder's
 *       {@code strictLineParsing}; RFC 9112 §2.2).</li>
 *   <li><b>Request line limit</b>: more than {@code maxInitialLineLength} bytes (skipped bytes included) is 414
 *       (RequestDecoder's {@code maxInitialLineLength}, {@code lb.proxy.max-initial-line-length}; ClientConnection
 *       answers TooLongHttpLineException with 414), also before the line has ended.</li>
 *   <li><b>Request line syntax</b> (Netty's decoder, 400): three parts split at runs of SP, HTAB, VT, FF or CR,
 *       trailing whitespace trimmed; any other whitespace in a separator is 400; a method with a control or
 *       whitespace character is 400 ({@code HttpMethod.valueOf}); a version that is not {@code NAME/digits.digits}
 *       is 400 ({@code HttpVersion.valueOf}). The forwarder writes the request line anew from its parts
 *       ({@code METHOD SP origin-form SP HTTP/1.1}), so the separators received never reach a backend.</li>
 *   <li><b>Header section limit</b>: more than {@code maxHeaderSize} bytes of header lines (without their CR LF,
 *       counted as Netty counts them: a CR is counted until its LF comes) is 431, also before the head has ended
 *       (RequestDecoder's {@code maxHeaderSize}, {@code lb.proxy.max-header-size}).</li>
 *   <li><b>Header line syntax</b> (400): a name of RFC 9110 token characters, then a colon with no whitespace before
 *       it (Netty's name check, {@link RequestHeads#NAMES}; RFC 9112 §5.1); optional SP/HTAB, any other whitespace
 *       there is 400 (Netty's {@code splitHeader}); value bytes HTAB, SP, visible ASCII or obs-text (0x80-0xff),
 *       no NUL, no other control character, no DEL (Netty's value check; RFC 9110 §5.5).
 *       <b>Stricter than today</b>: a header line that starts with SP or HTAB is 400, the obs-fold of RFC 9112 §5.2
 *       (Netty joins it to the line before, or, on the first header line, drops the whitespace), and so is trailing
 *       whitespace other than SP/HTAB (VT, FF, 0x1c-0x1f, which Netty trims): bytes forwarded as received must mean
 *       to a backend what they meant to us, and RFC 9112 allows rejecting both.</li>
 *   <li><b>Content-Length in the decoder</b> (400): more than one Content-Length line or a list in one, on an
 *       HTTP/1.1 request (Netty, {@code allowDuplicateContentLengths} false); a value {@code Long.parseLong} refuses.
 *       </li>
 *   <li><b>Transfer-Encoding with Content-Length</b> (400): a chunked request with a Content-Length
 *       ({@link RequestDecoder#handleTransferEncodingChunkedWithContentLength}, RFC 9112 §6.3).</li>
 *   <li><b>Version</b>: exactly {@code HTTP/1.1} or {@code HTTP/1.0}, else 400 (RequestChecks).</li>
 *   <li><b>Method</b>: an RFC 9110 token, else 400 (RequestChecks).</li>
 *   <li><b>Target</b>: visible ASCII only, not empty, else 400 (RequestChecks).</li>
 *   <li><b>Per header line, in order</b>: a second Transfer-Encoding line is 400; an {@code Expect} other than
 *       {@code 100-continue} is 417 (RequestChecks; FACTS: Vert.x left Expect hanging).</li>
 *   <li><b>Header count</b>: more than {@code maxHeaderCount} lines is 431 ({@code lb.proxy.max-header-count}).</li>
 *   <li><b>Host</b>: more than one is 400; none on HTTP/1.1 is 400; HTTP/1.0 may have none (RequestChecks;
 *       RFC 9112 §3.2).</li>
 *   <li><b>Framing</b> (RequestChecks, RFC 9112 §6.3): one Content-Length line without a comma; not both
 *       Transfer-Encoding and Content-Length; Transfer-Encoding exactly {@code chunked} (case-insensitive, trimmed);
 *       Content-Length 1-18 decimal digits. Each 400.</li>
 *   <li><b>Target form</b>: origin-form ({@code /...}) or absolute-form ({@code scheme://authority...}), else 400
 *       ({@link RequestRouter#originForm}: no asterisk-form, no authority-form).</li>
 * </ol>
 * What an accepted head carries for the next steps, as RequestChecks notes it: {@link #found} (the same bits as
 * {@link RequestChecks#found}: hop-by-hop and proxy-owned lines present), the framing ({@link #contentLength},
 * {@link #chunked}, {@link #hasBody}), {@link #expectContinue}, keep-alive (HTTP/1.0 keeps its connection only with a
 * {@code keep-alive} token, any version closes on {@code close}: {@link Headers#keepAlive}), a WebSocket upgrade
 * (Upgrade naming {@code websocket} and Connection naming {@code upgrade}, as RequestRouter decides), the last
 * X-Forwarded-For / -Proto / -Host and Forwarded lines, and {@link #cut} for each line the forwarder must not
 * write on (the hop-by-hop and proxy-owned names, and the names the Connection lines list).
 */
final class HeadScan extends HeadLines {

    /** RequestChecks' bit of each kind (0: none). */
    private static final int[] KIND_BITS = {0, 0, 0, RequestChecks.TRANSFER_ENCODING, RequestChecks.EXPECT,
        RequestChecks.CONNECTION, RequestChecks.UPGRADE, RequestChecks.TE, RequestChecks.TRAILER,
        RequestChecks.KEEP_ALIVE, RequestChecks.PROXY_CONNECTION, RequestChecks.PROXY_AUTHENTICATE,
        RequestChecks.PROXY_AUTHORIZATION, RequestChecks.X_FORWARDED_HOST, 0, 0, 0};

    private static final byte[] HTTP_1_1 = bytes("HTTP/1.1");
    private static final byte[] HTTP_1_0 = bytes("HTTP/1.0");
    private static final byte[] HTTP_NAME = bytes("http");
    private static final byte[] CONTINUE = bytes("100-continue");
    private static final byte[] UPGRADE_TOKEN = bytes("upgrade");
    private static final byte[] WEBSOCKET = bytes("websocket");
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE",
        "CONNECT"};

    private final int maxInitialLineLength;
    private final int maxHeaderCount;

    // ---------------------------------------------------------------- the verdict and what it found

    /** Where the request line starts (after skipped bytes). */
    int start;
    int methodEnd;
    int targetStart;
    int targetEnd;
    int versionStart;
    int versionEnd;
    boolean http10;
    String method;
    String target;
    String host;
    int found;
    long contentLength;
    boolean chunked;
    boolean hasBody;
    boolean expectContinue;
    boolean keepAlive;
    boolean webSocket;
    /** The last line of each forwarding header, or -1. */
    int xForwardedFor;
    int xForwardedProto;
    int xForwardedHost;
    int forwarded;
    private int connectionLines;
    private int upgradeLine;
    private int hostLine;
    /** {@link RawHead}'s forwarding lines of an untrusted peer, kept: on a connection they change with the Host only. */
    private byte[] forwardingLines;
    private String forwardingHost;

    /** Where request heads are scanned, per thread (see {@link HeadLines}). */
    private static final FastThreadLocal<Workspace> WORKSPACES = workspaces();

    HeadScan(int maxInitialLineLength, int maxHeaderSize, int maxHeaderCount) {
        super(maxHeaderSize, maxHeaderCount, WORKSPACES);
        this.maxInitialLineLength = maxInitialLineLength;
        this.maxHeaderCount = maxHeaderCount;
    }

    /**
     * Scans the head at {@code in}'s reader index; returns {@link #status}. The buffer must hold the bytes until the
     * head has been written on; nothing in it is moved.
     */
    int scan(ByteBuf in) {
        return scanBuffer(in);
    }

    @Override
    int scanWindow() {
        reset();
        int w = limit;
        int i = base;
        for (int c; i < w && ((c = b(i)) == '\r' || c == '\n' || c == ' '); ) {
            i++;
        }
        int lf = indexOf(i, w, '\n');
        if (lf < 0) {
            return w - i > maxInitialLineLength ? tooLongLine() : firstByte();
        }
        if ((lf - i) - (lf > i && b(lf - 1) == '\r' ? 1 : 0) > maxInitialLineLength) {
            return tooLongLine();
        }
        if (firstByte() != NEED_MORE) {
            return status;
        }
        int lineEnd = lf > i && b(lf - 1) == '\r' ? lf - 1 : -1;
        if (lineEnd < 0 || requestLine(i, lineEnd) != 0) {
            return lineEnd < 0 ? badLine("a line must end with CR LF (no bare CR or LF).") : status;
        }
        int headers = headerLines(lf + 1, w);
        if (headers != 0) {
            return headers;
        }
        if (decoderFraming() != 0 || checks() != 0) {
            return status;
        }
        target = text(targetStart, targetEnd);
        if (RequestRouter.originForm(target) == null) {
            return fail(400, "Bad Request: the request target must be a path starting with '/'.");
        }
        method = method();
        facts();
        return 0;
    }

    private void reset() {
        status = 0;
        message = null;
        start = end = -1;
        count = 0;
        found = 0;
        contentLength = -1;
        chunked = hasBody = expectContinue = keepAlive = webSocket = false;
        method = null;
        target = null;
        xForwardedFor = xForwardedProto = xForwardedHost = forwarded = -1;
        connectionLines = 0;
        upgradeLine = hostLine = -1;
    }

    private int tooLongLine() {
        return fail(414, "URI Too Long: the request line is longer than " + maxInitialLineLength + " bytes.");
    }

    // ---------------------------------------------------------------- the request line (Netty's split)

    /**
     * Netty refuses a message whose first byte is a control character or whitespace other than SP, CR and LF at
     * once, before its line has ended.
     */
    private int firstByte() {
        if (limit > base) {
            int c = b(base);
            if ((CLASS[c] & (CONTROL | JAVA_SPACE)) != 0 && c != ' ' && c != '\r' && c != '\n') {
                return fail(400, "Bad Request: a request may not start with a control character.");
            }
        }
        return NEED_MORE;
    }

    private int requestLine(int lineStart, int to) {
        int from = lineStart;
        while (from < to && (CLASS[b(from)] & LINE_SEP) != 0) {
            from++;
        }
        start = from;
        int a = from;
        while (a < to && (CLASS[b(a)] & LINE_SEP) == 0) {
            a++;
        }
        methodEnd = a;
        int t = skipSeparators(a, to);
        if (t < 0) {
            return status;
        }
        int te = t;
        while (te < to && (CLASS[b(te)] & LINE_SEP) == 0) {
            te++;
        }
        targetStart = t;
        targetEnd = te;
        int v = skipSeparators(te, to);
        if (v < 0) {
            return status;
        }
        versionStart = v;
        versionEnd = to;
        for (int i = from; i < methodEnd; i++) {
            if ((CLASS[b(i)] & TCHAR) == 0) {
                return fail(400, "Bad Request: the method must be a token (letters, digits and !#$%&'*+-.^_`|~).");
            }
        }
        if (!nettyVersion(versionStart, versionEnd)) {
            return fail(400, "Bad Request: the version must be HTTP/1.1 or HTTP/1.0.");
        }
        if (!visibleTarget()) {
            return fail(400, "Bad Request: the request target may hold visible ASCII characters only"
                    + " (percent-encode the others).");
        }
        http10 = equalsExactly(versionStart, versionEnd, HTTP_1_0);
        return 0;
    }

    private boolean visibleTarget() {
        if (targetEnd == targetStart) {
            return false;
        }
        for (int i = targetStart; i < targetEnd; i++) {
            int c = b(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private int skipSeparators(int from, int to) {
        int i = from;
        while (i < to) {
            int c = CLASS[b(i)];
            if ((c & LINE_SEP) == 0) {
                if ((c & JAVA_SPACE) != 0) {
                    fail(400, "Bad Request: invalid separator in the request line.");
                    return -1;
                }
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * What {@code HttpVersion.valueOf} accepts: {@code NAME/major.minor} ({@code (\S+)/(\d+)\.(\d+)}, NAME
     * without whitespace or control characters, the numbers within an int).
     */
    private boolean nettyVersion(int from, int to) {
        int dot = -1;
        int slash = -1;
        for (int i = to - 1; i >= from && slash < 0; i--) {
            int c = b(i);
            if (c == '.' && dot < 0 && i < to - 1) {
                dot = i;
            } else if (c == '/' && dot > i + 1) {
                slash = i;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        if (slash <= from || !fitsInt(slash + 1, dot) || !fitsInt(dot + 1, to)) {
            return false;
        }
        return slash - from == 4 && equalsIgnoreCase(from, slash, HTTP_NAME);
    }

    private boolean fitsInt(int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (b(i) - '0');
            if (v > Integer.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    @Override
    int tooLarge() {
        return fail(431, "Request Header Fields Too Large: more than " + maxHeaderSize + " bytes of headers.");
    }

    @Override
    int badLine(String what) {
        return fail(400, "Bad Request: " + what);
    }

    // ---------------------------------------------------------------- framing (Netty's decoder, then RequestChecks)

    private int decoderFraming() {
        int lengths = 0;
        int firstLength = -1;
        boolean chunkedToken = false;
        boolean transferEncoding = false;
        int stored = Math.min(count, kinds.length);
        for (int h = 0; h < stored; h++) {
            if (kinds[h] == CONTENT_LENGTH) {
                if (lengths++ == 0) {
                    firstLength = h;
                }
            } else if (kinds[h] == TRANSFER_ENCODING) {
                transferEncoding = true;
                int c = codings(h, chunkedToken);
                if (c < 0) {
                    return fail(400, "Bad Request: chunked must be the last transfer coding, once.");
                }
                chunkedToken = c > 0;
            }
        }
        boolean exactly11 = equalsExactly(versionStart, versionEnd, HTTP_1_1);
        if (http10 && transferEncoding) {
            return fail(400, "Bad Request: Transfer-Encoding on an HTTP/1.0 request.");
        }
        if (lengths > 0) {
            if ((lengths > 1 || indexOf(valueStart(firstLength), valueEnd(firstLength), ',') >= 0) && exactly11) {
                return fail(400, "Bad Request: Multiple Content-Length values found.");
            }
            if (!parsesAsLong(valueStart(firstLength), valueEnd(firstLength))) {
                return fail(400, "Bad Request: the Content-Length is not a number.");
            }
        }
        if (transferEncoding && !chunkedToken) {
            return fail(400, "Bad Request: chunked must be the last transfer coding, once.");
        }
        if (chunkedToken && lengths > 0 && exactly11) {
            return fail(400, "Bad Request: both Transfer-Encoding and Content-Length.");
        }
        return 0;
    }

    private int checks() {
        if (!http10 && !equalsExactly(versionStart, versionEnd, HTTP_1_1)) {
            return fail(400, "Bad Request: the version must be HTTP/1.1 or HTTP/1.0.");
        }
        for (int i = start; i < methodEnd; i++) {
            if ((CLASS[b(i)] & TCHAR) == 0) {
                return fail(400, "Bad Request: the method must be a token (letters, digits and !#$%&'*+-.^_`|~).");
            }
        }
        int stored = Math.min(count, kinds.length);
        int hosts = 0;
        int lengths = 0;
        int lengthLine = -1;
        int teLine = -1;
        for (int h = 0; h < stored; h++) {
            byte k = kinds[h];
            found |= KIND_BITS[k];
            switch (k) {
                case HOST -> {
                    hosts++;
                    hostLine = h;
                }
                case EXPECT -> {
                    if (!equalsIgnoreCase(valueStart(h), valueEnd(h), CONTINUE)) {
                        return fail(417, "Expectation Failed: only 'Expect: 100-continue' is supported.");
                    }
                    expectContinue = true;
                }
                case UPGRADE -> upgradeLine = h;
                case CONNECTION -> connectionLines++;
                case CONTENT_LENGTH -> {
                    lengths++;
                    lengthLine = h;
                }
                case TRANSFER_ENCODING -> {
                    if (teLine >= 0) {
                        return fail(400, "Bad Request: more than one Transfer-Encoding header.");
                    }
                    teLine = h;
                }
                case X_FORWARDED_FOR -> xForwardedFor = h;
                case X_FORWARDED_PROTO -> xForwardedProto = h;
                case X_FORWARDED_HOST -> xForwardedHost = h;
                case FORWARDED -> forwarded = h;
                default -> {
                }
            }
        }
        if (count > maxHeaderCount) {
            return fail(431, "Request Header Fields Too Large: " + count + " headers (limit " + maxHeaderCount + ").");
        }
        if (hosts > 1) {
            return fail(400, "Bad Request: more than one Host header.");
        }
        if (hosts == 0 && !http10) {
            return fail(400, "Bad Request: HTTP/1.1 requires a Host header.");
        }
        if (lengths > 1 || (lengthLine >= 0 && indexOf(valueStart(lengthLine), valueEnd(lengthLine), ',') >= 0)) {
            return fail(400, "Bad Request: more than one Content-Length.");
        }
        if (teLine >= 0 && lengthLine >= 0) {
            return fail(400, "Bad Request: both Transfer-Encoding and Content-Length.");
        }
        if (teLine >= 0 && !equalsIgnoreCase(valueStart(teLine), valueEnd(teLine), CHUNKED)) {
            return fail(400, "Bad Request: Transfer-Encoding must be exactly 'chunked'.");
        }
        if (lengthLine >= 0) {
            contentLength = decimal(valueStart(lengthLine), valueEnd(lengthLine));
            if (contentLength < 0) {
                return fail(400, "Bad Request: the Content-Length is not a number.");
            }
        }
        chunked = teLine >= 0;
        hasBody = chunked || contentLength > 0;
        return 0;
    }

    /** Keep-alive, WebSocket and the Host string, once the head is accepted. */
    private void facts() {
        boolean close = false;
        boolean keepAliveToken = false;
        boolean upgradeToken = false;
        for (int h = 0; h < count && connectionLines > 0; h++) {
            if (kinds[h] == CONNECTION) {
                close |= containsToken(h, CLOSE);
                keepAliveToken |= containsToken(h, KEEP_ALIVE_TOKEN);
                upgradeToken |= containsToken(h, UPGRADE_TOKEN);
            }
        }
        keepAlive = !close && (!http10 || keepAliveToken);
        webSocket = upgradeLine >= 0 && upgradeToken && containsToken(upgradeLine, WEBSOCKET);
        if (hostLine >= 0) {
            int from = valueStart(hostLine);
            int len = valueEnd(hostLine) - from;
            String previous = host;
            if (previous == null || previous.length() != len || !sameAscii(from, previous)) {
                host = text(from, from + len);
            }
        } else {
            host = null;
        }
    }

    /**
     * Whether header line {@code header} must not be written on: a hop-by-hop or proxy-owned name
     * (RequestChecks.HOP_NAMES, and the forwarding headers the proxy sets anew), or a name a Connection line lists.
     */
    boolean cut(int header) {
        byte k = kinds[header];
        if (k != OTHER && k != HOST && k != CONTENT_LENGTH) {
            return true;
        }
        return connectionLines > 0 && listedByConnection(header);
    }

    /** Whether the request line goes on as it came: {@code METHOD SP target SP HTTP/1.1}, one SP each. */
    boolean canonicalRequestLine() {
        return b(methodEnd) == ' ' && targetStart == methodEnd + 1 && b(targetEnd) == ' '
                && versionStart == targetEnd + 1 && equalsExactly(versionStart, versionEnd, HTTP_1_1);
    }

    /** The forwarding lines {@code raw} gets from an untrusted peer (this connection's), made once per Host. */
    byte[] forwardingLines(RawHead raw, ClientConnection client) {
        byte[] lines = forwardingLines;
        if (lines == null || !Objects.equals(raw.host, forwardingHost)) {
            lines = raw.forwardingLines(this, client);
            forwardingLines = lines;
            forwardingHost = raw.host;
        }
        return lines;
    }

    // ---------------------------------------------------------------- bytes

    private String method() {
        int len = methodEnd - start;
        for (String m : METHODS) {
            if (m.length() == len && sameAscii(start, m)) {
                return m;
            }
        }
        return text(start, methodEnd);
    }

    /** {@link Headers#contentLength}'s rule: 1-18 decimal digits (the value is already trimmed), or -1. */
    private long decimal(int from, int to) {
        if (to == from || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int c = b(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

}
