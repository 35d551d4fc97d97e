package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

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
final class HeadScan {

    /** {@link #scan}'s answer while the head has not ended and no rule has failed yet. */
    static final int NEED_MORE = -1;

    // What a header line is (kinds), by name; the hop-by-hop ones map to RequestChecks' bits.
    static final byte OTHER = 0;
    static final byte HOST = 1;
    static final byte CONTENT_LENGTH = 2;
    static final byte TRANSFER_ENCODING = 3;
    static final byte EXPECT = 4;
    static final byte CONNECTION = 5;
    static final byte UPGRADE = 6;
    static final byte TE = 7;
    static final byte TRAILER = 8;
    static final byte KEEP_ALIVE = 9;
    static final byte PROXY_CONNECTION = 10;
    static final byte PROXY_AUTHENTICATE = 11;
    static final byte PROXY_AUTHORIZATION = 12;
    static final byte X_FORWARDED_HOST = 13;
    static final byte X_FORWARDED_FOR = 14;
    static final byte X_FORWARDED_PROTO = 15;
    static final byte FORWARDED = 16;

    private static final byte[][] KIND_NAMES = {null, bytes("host"), bytes("content-length"),
        bytes("transfer-encoding"), bytes("expect"), bytes("connection"), bytes("upgrade"), bytes("te"),
        bytes("trailer"), bytes("keep-alive"), bytes("proxy-connection"), bytes("proxy-authenticate"),
        bytes("proxy-authorization"), bytes("x-forwarded-host"), bytes("x-forwarded-for"), bytes("x-forwarded-proto"),
        bytes("forwarded")};

    /** RequestChecks' bit of each kind (0: none). */
    private static final int[] KIND_BITS = {0, 0, 0, RequestChecks.TRANSFER_ENCODING, RequestChecks.EXPECT,
        RequestChecks.CONNECTION, RequestChecks.UPGRADE, RequestChecks.TE, RequestChecks.TRAILER,
        RequestChecks.KEEP_ALIVE, RequestChecks.PROXY_CONNECTION, RequestChecks.PROXY_AUTHENTICATE,
        RequestChecks.PROXY_AUTHORIZATION, RequestChecks.X_FORWARDED_HOST, 0, 0, 0};

    private static final byte[] HTTP_1_1 = bytes("HTTP/1.1");
    private static final byte[] HTTP_1_0 = bytes("HTTP/1.0");
    private static final byte[] HTTP_NAME = bytes("http");
    private static final byte[] CHUNKED = bytes("chunked");
    private static final byte[] CONTINUE = bytes("100-continue");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE_TOKEN = bytes("keep-alive");
    private static final byte[] UPGRADE_TOKEN = bytes("upgrade");
    private static final byte[] WEBSOCKET = bytes("websocket");
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE",
        "CONNECT"};

    /** Bits of byte classes, indexed by the byte (0-255). */
    private static final byte[] CLASS = new byte[256];
    private static final int TCHAR = 1;
    /** HTAB, SP, VCHAR, obs-text: what a header value may hold. */
    private static final int VALUE = 2;
    /** {@code Character.isWhitespace}: what Netty trims and splits at. */
    private static final int JAVA_SPACE = 4;
    /** {@code Character.isISOControl}. */
    private static final int CONTROL = 8;
    /** Netty's request-line separators: SP, HTAB, VT, FF, CR. */
    private static final int LINE_SEP = 16;

    static {
        for (int c = 0; c < 256; c++) {
            int k = 0;
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (alnum || (c < 128 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                k |= TCHAR;
            }
            if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
                k |= VALUE;
            }
            if (Character.isWhitespace((char) c)) {
                k |= JAVA_SPACE;
            }
            if (Character.isISOControl((char) c)) {
                k |= CONTROL;
            }
            if (c == ' ' || c == '\t' || c == 0x0b || c == 0x0c || c == '\r') {
                k |= LINE_SEP;
            }
            CLASS[c] = (byte) k;
        }
    }

    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private final int maxHeaderCount;
    /** Per header line: name start, name end, value start, value end (buffer indices). */
    private final int[] lines;
    private final byte[] kinds;

    // ---------------------------------------------------------------- the verdict and what it found

    /** 0 (accepted), {@link #NEED_MORE}, or the status to answer and close with. */
    int status;
    String message;
    /** Where the request line starts (after skipped bytes) and where the head ends (after its empty line). */
    int start;
    int end;
    int methodEnd;
    int targetStart;
    int targetEnd;
    int versionStart;
    int versionEnd;
    /** Header lines found (may exceed what {@link #lines} holds, then the head is refused 431). */
    int count;
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
    private ByteBuf buf;

    HeadScan(int maxInitialLineLength, int maxHeaderSize, int maxHeaderCount) {
        this.maxInitialLineLength = maxInitialLineLength;
        this.maxHeaderSize = maxHeaderSize;
        this.maxHeaderCount = maxHeaderCount;
        this.lines = new int[4 * (maxHeaderCount + 1)];
        this.kinds = new byte[maxHeaderCount + 1];
    }

    int nameStart(int header) {
        return lines[4 * header];
    }

    int nameEnd(int header) {
        return lines[4 * header + 1];
    }

    int valueStart(int header) {
        return lines[4 * header + 2];
    }

    int valueEnd(int header) {
        return lines[4 * header + 3];
    }

    byte kind(int header) {
        return kinds[header];
    }

    /**
     * Scans the head at {@code in}'s reader index; returns {@link #status}. The buffer must hold the bytes until the
     * head has been written on; nothing in it is moved.
     */
    int scan(ByteBuf in) {
        reset(in);
        int w = in.writerIndex();
        int i = in.readerIndex();
        for (byte c; i < w && ((c = in.getByte(i)) == '\r' || c == '\n' || c == ' '); ) {
            i++;
        }
        int lf = in.indexOf(i, w, (byte) '\n');
        if (lf < 0) {
            return w - i > maxInitialLineLength ? tooLongLine() : firstByte(in);
        }
        if ((lf - i) - (lf > i && in.getByte(lf - 1) == '\r' ? 1 : 0) > maxInitialLineLength) {
            return tooLongLine();
        }
        if (firstByte(in) != NEED_MORE) {
            return status;
        }
        int lineEnd = lf > i && in.getByte(lf - 1) == '\r' ? lf - 1 : -1;
        if (lineEnd < 0 || requestLine(i, lineEnd) != 0) {
            return lineEnd < 0 ? fail(400, "Bad Request: a line must end with CR LF (no bare CR or LF).") : status;
        }
        int headers = headerLines(lf + 1, w);
        if (headers != 0) {
            return headers;
        }
        if (decoderFraming() != 0 || checks() != 0) {
            return status;
        }
        target = in.toString(targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
        if (RequestRouter.originForm(target) == null) {
            return fail(400, "Bad Request: the request target must be a path starting with '/'.");
        }
        method = method();
        facts();
        return 0;
    }

    private void reset(ByteBuf in) {
        buf = in;
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

    /** The end of the line whose LF is at {@code lf} (before its CR), or -1: a bare LF, or a CR inside the line. */
    private int lineEnd(int from, int lf) {
        if (lf == from || buf.getByte(lf - 1) != '\r') {
            return -1;
        }
        return buf.indexOf(from, lf - 1, (byte) '\r') >= 0 ? -1 : lf - 1;
    }

    // ---------------------------------------------------------------- the request line (Netty's split)

    /**
     * Netty refuses a message whose first byte is a control character or whitespace other than SP, CR and LF at
     * once, before its line has ended.
     */
    private int firstByte(ByteBuf in) {
        if (in.isReadable()) {
            int c = in.getByte(in.readerIndex()) & 0xff;
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

    // ---------------------------------------------------------------- header lines

    private int headerLines(int from, int w) {
        int size = 0;
        int p = from;
        while (true) {
            int lf = buf.indexOf(p, w, (byte) '\n');
            if (lf < 0) {
                return size + (w - p) > maxHeaderSize ? tooLarge() : NEED_MORE;
            }
            if (size + (lf - p) - (lf > p && b(lf - 1) == '\r' ? 1 : 0) > maxHeaderSize) {
                return tooLarge();
            }
            int e = lineEnd(p, lf);
            if (e < 0) {
                return fail(400, "Bad Request: a line must end with CR LF (no bare CR or LF).");
            }
            if (e == p) {
                end = lf + 1;
                return 0;
            }
            size += e - p;
            if (headerLine(p, e) != 0) {
                return status;
            }
            p = lf + 1;
        }
    }

    private int tooLarge() {
        return fail(431, "Request Header Fields Too Large: more than " + maxHeaderSize + " bytes of headers.");
    }

    private int headerLine(int from, int to) {
        int first = b(from);
        if (first == ' ' || first == '\t') {
            return fail(400, "Bad Request: a header line may not start with whitespace (obs-fold).");
        }
        int n = from;
        while (n < to && (CLASS[b(n)] & TCHAR) != 0) {
            n++;
        }
        if (n == from || n == to || b(n) != ':') {
            return fail(400, "Bad Request: a header name must be a token followed by a colon.");
        }
        int v = n + 1;
        while (v < to && (CLASS[b(v)] & JAVA_SPACE) != 0) {
            int c = b(v);
            if (c != ' ' && c != '\t') {
                return fail(400, "Bad Request: only SP and HTAB may precede a header value.");
            }
            v++;
        }
        int ve = to;
        while (ve > v && (CLASS[b(ve - 1)] & JAVA_SPACE) != 0) {
            int c = b(ve - 1);
            if (c != ' ' && c != '\t') {
                return fail(400, "Bad Request: only SP and HTAB may follow a header value.");
            }
            ve--;
        }
        for (int i = v; i < ve; i++) {
            if ((CLASS[b(i)] & VALUE) == 0) {
                return fail(400, "Bad Request: a header value holds a control character.");
            }
        }
        int h = count++;
        if (h < kinds.length) {
            int k = 4 * h;
            lines[k] = from;
            lines[k + 1] = n;
            lines[k + 2] = v;
            lines[k + 3] = ve;
            kinds[h] = kindOf(from, n);
        }
        return 0;
    }

    private byte kindOf(int from, int to) {
        int len = to - from;
        int c = b(from) | 0x20;
        byte k = switch (len) {
            case 2 -> TE;
            case 4 -> HOST;
            case 6 -> EXPECT;
            case 7 -> UPGRADE;
            case 9 -> FORWARDED;
            case 10 -> c == 'c' ? CONNECTION : KEEP_ALIVE;
            case 14 -> CONTENT_LENGTH;
            case 15 -> X_FORWARDED_FOR;
            case 16 -> c == 'x' ? X_FORWARDED_HOST : PROXY_CONNECTION;
            case 17 -> c == 't' ? TRANSFER_ENCODING : X_FORWARDED_PROTO;
            case 18 -> PROXY_AUTHENTICATE;
            case 19 -> PROXY_AUTHORIZATION;
            default -> OTHER;
        };
        if (k == UPGRADE && c == 't') {
            k = TRAILER;
        }
        return k != OTHER && equalsIgnoreCase(from, to, KIND_NAMES[k]) ? k : OTHER;
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
                host = buf.toString(from, len, StandardCharsets.ISO_8859_1);
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
        if (connectionLines == 0) {
            return false;
        }
        int from = nameStart(header);
        int to = nameEnd(header);
        for (int h = 0; h < count; h++) {
            if (kinds[h] == CONNECTION && listsName(h, from, to)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- bytes

    private int b(int i) {
        return buf.getByte(i) & 0xff;
    }

    private String method() {
        int len = methodEnd - start;
        for (String m : METHODS) {
            if (m.length() == len && sameAscii(start, m)) {
                return m;
            }
        }
        return buf.toString(start, len, StandardCharsets.ISO_8859_1);
    }

    private boolean sameAscii(int from, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (b(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean equalsExactly(int from, int to, byte[] s) {
        if (to - from != s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (buf.getByte(from + i) != s[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} is lower case. */
    private boolean equalsIgnoreCase(int from, int to, byte[] s) {
        if (to - from != s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            int c = b(from + i);
            if (c != s[i] && ((c | 0x20) != s[i] || c < 'A' || c > 'Z')) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(int from, int to, char c) {
        return to > from ? buf.indexOf(from, to, (byte) c) : -1;
    }

    /** Whether {@code token} (lower case) is one of the comma-separated elements of header {@code h}'s value. */
    private boolean containsToken(int h, byte[] token) {
        int to = valueEnd(h);
        int i = valueStart(h);
        while (i < to) {
            while (i < to && (b(i) == ' ' || b(i) == '\t' || b(i) == ',')) {
                i++;
            }
            int s = i;
            while (i < to && b(i) != ',') {
                i++;
            }
            int e = i;
            while (e > s && (b(e - 1) == ' ' || b(e - 1) == '\t')) {
                e--;
            }
            if (e > s && equalsIgnoreCase(s, e, token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether Connection line {@code h} lists the header name at {@code [from, to)} (other than close etc.). */
    private boolean listsName(int h, int from, int to) {
        int len = to - from;
        int end = valueEnd(h);
        int i = valueStart(h);
        while (i < end) {
            while (i < end && (b(i) == ' ' || b(i) == '\t' || b(i) == ',')) {
                i++;
            }
            int s = i;
            while (i < end && b(i) != ',') {
                i++;
            }
            int e = i;
            while (e > s && (b(e - 1) == ' ' || b(e - 1) == '\t')) {
                e--;
            }
            if (e - s == len && sameIgnoringCase(s, from, len)) {
                return true;
            }
        }
        return false;
    }

    private boolean sameIgnoringCase(int a, int b, int len) {
        for (int i = 0; i < len; i++) {
            int x = b(a + i);
            int y = b(b + i);
            if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The transfer codings of Transfer-Encoding line {@code h}, following lines before it ({@code chunkedBefore}:
     * the last coding so far was chunked): 1 if its last coding is chunked, 0 if another, -1 if chunked comes before
     * another coding or twice (RFC 9112 §6.3: a request's chunked is its last coding).
     */
    private int codings(int h, boolean chunkedBefore) {
        boolean lastChunked = chunkedBefore;
        boolean any = false;
        int to = valueEnd(h);
        int i = valueStart(h);
        while (i < to) {
            while (i < to && (b(i) == ' ' || b(i) == '\t' || b(i) == ',')) {
                i++;
            }
            int s = i;
            while (i < to && b(i) != ',') {
                i++;
            }
            int e = i;
            while (e > s && (b(e - 1) == ' ' || b(e - 1) == '\t')) {
                e--;
            }
            if (e > s) {
                if (lastChunked) {
                    return -1;
                }
                any = true;
                lastChunked = equalsIgnoreCase(s, e, CHUNKED);
            }
        }
        return any ? (lastChunked ? 1 : 0) : (chunkedBefore ? 1 : 0);
    }

    /** What the decoder accepts as a Content-Length: 1-19 decimal digits within a long. */
    private boolean parsesAsLong(int from, int to) {
        int i = from;
        if (i == to) {
            return false;
        }
        long v = 0;
        for (; i < to; i++) {
            int c = b(i);
            if (c < '0' || c > '9') {
                return false;
            }
            if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                return false;
            }
            v = v * 10 + (c - '0');
        }
        return true;
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

    private int fail(int s, String m) {
        status = s;
        message = m;
        return s;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
