package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * A scanner of HTTP/1.1 response heads from a backend, in the received buffer, in place: the status line's parts, each
 * header line's name and value (offsets, as {@link HeadScan} records them), how the body is framed, whether the
 * backend keeps the connection, and which lines must not be written on to the client. It gives the verdict
 * {@link BackendCodec.ResponseDecoder} gives the same bytes (a head Netty cannot decode is a broken backend answer:
 * the exchange closes that connection and answers 502). {@link ResponseBytes} runs it on every response with
 * {@code lb.proxy.byte-forwarding} on; {@code ResponseScanAgreementTest} feeds the same bytes to both and compares.
 *
 * <p>The rules, and where each comes from:
 * <ol>
 *   <li><b>Leading bytes and line ends</b> as for requests ({@link HeadScan}: Netty's decoder, strict line parsing).</li>
 *   <li><b>Status line</b>: {@code HTTP/1.1} or {@code HTTP/1.0}, SP, three digits, then nothing or SP and a reason
 *       (RFC 9112 §4). Netty splits it more leniently; anything it refuses is refused here. Its limit:
 *       {@code DataPlane.backendMaxInitialLine()}.</li>
 *   <li><b>Header lines</b> as for requests (token name, colon, value characters; obs-fold and whitespace before the
 *       colon refused: Netty's response decoder joins folded lines and drops that whitespace, which a byte forwarder
 *       cannot do), within {@code DataPlane.backendMaxHeaderSize()} bytes and {@link #MAX_LINES} lines (Netty has no
 *       count limit on responses).</li>
 *   <li><b>No body</b> (Netty's {@code isContentAlwaysEmpty} and BackendCodec's HEAD rule): the final answer to a
 *       HEAD, any 1xx, 204 and 304, whatever their framing headers say.</li>
 *   <li><b>Content-Length</b>, checked first, whether or not there is a body (Netty 4.1.138): decimal digits only;
 *       two lines or a list on HTTP/1.1 refused (on HTTP/1.0 the first line counts, a list is not a number).</li>
 *   <li><b>Framing</b> (RFC 9112 §6.3, as Netty 4.1.138 reads it): {@code chunked} before another coding or twice,
 *       Transfer-Encoding on HTTP/1.0, and Transfer-Encoding with a Content-Length are refused; {@code chunked} as the
 *       last coding frames the body in chunks; otherwise one
 *       Content-Length gives the length; otherwise the body runs to the close. (A Transfer-Encoding without
 *       {@code chunked} beside a Content-Length: Netty reads the length, RFC 9112 says to the close; refused here as
 *       well, so neither reading is taken.)</li>
 *   <li><b>Keep-alive</b>: no {@code close} token, and HTTP/1.1 or a {@code keep-alive} token
 *       ({@link Headers#keepAlive}, as {@link ResponseHeads#prepare} answers it).</li>
 *   <li><b>Lines not written on</b> ({@link ResponseHeads}' hop-by-hop list): TE, Upgrade, Trailer, Connection,
 *       Keep-Alive, Proxy-Connection, Transfer-Encoding, Proxy-Authenticate, Proxy-Authorization, and the names the
 *       Connection lines list; and Content-Length when the body is chunked.</li>
 * </ol>
 */
final class ResponseScan extends HeadLines {

    /** Header lines a response head may have here (Netty has no limit; more is refused as a broken answer). */
    static final int MAX_LINES = 256;

    /** How the body is framed. */
    static final int NO_BODY = 0;
    static final int LENGTH = 1;
    static final int CHUNKS = 2;
    static final int TO_CLOSE = 3;

    private static final byte[] HTTP_1_1 = bytes("HTTP/1.1");
    private static final byte[] HTTP_1_0 = bytes("HTTP/1.0");

    private final int maxInitialLineLength;

    /** Where the status line starts (after the leading CR, LF and SP the decoder skips as well). */
    int start;
    int code;
    boolean http10;
    int reasonStart;
    int reasonEnd;
    int framing;
    long contentLength;
    boolean keepAlive;
    /** The head answers a HEAD request (for {@link #scanWindow}). */
    private boolean headRequest;

    /** Where response heads are scanned, per thread (see {@link HeadLines}). */
    private static final FastThreadLocal<Workspace> WORKSPACES = workspaces();

    ResponseScan(int maxInitialLineLength, int maxHeaderSize) {
        super(maxHeaderSize, MAX_LINES, WORKSPACES);
        this.maxInitialLineLength = maxInitialLineLength;
    }

    @Override
    int tooLarge() {
        return fail(502, "Bad response head: more than " + maxHeaderSize + " bytes of headers.");
    }

    @Override
    int badLine(String what) {
        return fail(502, "Bad response head: " + what);
    }

    /**
     * Scans the response head at {@code in}'s reader index ({@code headRequest}: it answers a HEAD); returns 0,
     * {@link #NEED_MORE} or 502. Nothing in the buffer is moved.
     */
    int scan(ByteBuf in, boolean headRequest) {
        this.headRequest = headRequest;
        return scanBuffer(in);
    }

    @Override
    int scanWindow() {
        status = 0;
        message = null;
        end = -1;
        count = 0;
        code = -1;
        contentLength = -1;
        framing = NO_BODY;
        keepAlive = false;
        int w = limit;
        int i = base;
        for (int c; i < w && ((c = b(i)) == '\r' || c == '\n' || c == ' '); ) {
            i++;
        }
        start = i;
        int lf = indexOf(i, w, '\n');
        if (lf < 0) {
            return w - i > maxInitialLineLength ? badLine("the status line is too long.") : NEED_MORE;
        }
        if (lf == i || b(lf - 1) != '\r') {
            return badLine("a line must end with CR LF (no bare CR or LF).");
        }
        if (lf - 1 - i > maxInitialLineLength) {
            return badLine("the status line is too long.");
        }
        if (statusLine(i, lf - 1) != 0) {
            return status;
        }
        int headers = headerLines(lf + 1, w);
        if (headers != 0) {
            return headers;
        }
        if (count > MAX_LINES) {
            return badLine("more than " + MAX_LINES + " header lines.");
        }
        return framing(headRequest);
    }

    private int statusLine(int from, int to) {
        if (to - from < 12 || !(equalsExactly(from, from + 8, HTTP_1_1) || equalsExactly(from, from + 8, HTTP_1_0))
                || b(from + 8) != ' ') {
            return badLine("the status line must start with HTTP/1.1 or HTTP/1.0, SP and a three-digit code.");
        }
        http10 = b(from + 7) == '0';
        int c = 0;
        for (int i = from + 9; i < from + 12; i++) {
            int d = b(i);
            if (d < '0' || d > '9') {
                return badLine("the status code must be three digits.");
            }
            c = c * 10 + (d - '0');
        }
        if (c < 100) {
            return badLine("the status code must be from 100 to 999.");
        }
        code = c;
        reasonStart = reasonEnd = from + 12;
        if (to > from + 12) {
            if (b(from + 12) != ' ') {
                return badLine("the status code must be three digits.");
            }
            reasonStart = from + 13;
            reasonEnd = to;
            for (int i = reasonStart; i < to; i++) {
                if ((CLASS[b(i)] & VALUE) == 0) {
                    return badLine("the reason phrase holds a control character.");
                }
            }
        }
        return 0;
    }

    private int framing(boolean headRequest) {
        int lengths = 0;
        int lengthLine = -1;
        boolean transferEncoding = false;
        boolean chunked = false;
        boolean badCodings = false;
        boolean close = false;
        boolean keepAliveToken = false;
        for (int h = 0; h < count; h++) {
            switch (kinds[h]) {
                case CONTENT_LENGTH -> {
                    if (lengths++ == 0) {
                        lengthLine = h;
                    }
                }
                case TRANSFER_ENCODING -> {
                    transferEncoding = true;
                    int c = badCodings ? -1 : codings(h, chunked);
                    badCodings = c < 0;
                    chunked = c > 0;
                }
                case CONNECTION -> {
                    close |= containsToken(h, CLOSE);
                    keepAliveToken |= containsToken(h, KEEP_ALIVE_TOKEN);
                }
                default -> {
                }
            }
        }
        keepAlive = !close && (!http10 || keepAliveToken);
        if (lengths > 0) {
            // Netty checks Content-Length before it knows whether the response has a body at all
            if (!http10 && (lengths > 1 || indexOf(valueStart(lengthLine), valueEnd(lengthLine), ',') >= 0)) {
                return badLine("more than one Content-Length.");
            }
            if (!parsesAsLong(valueStart(lengthLine), valueEnd(lengthLine))) {
                return badLine("the Content-Length is not a number.");
            }
            contentLength = decimalValue(lengthLine);
        }
        if (code < 200 || code == 204 || code == 304 || headRequest) {
            framing = NO_BODY;
            return 0;
        }
        if (badCodings) {
            return badLine("chunked must be the last transfer coding, once.");
        }
        if (transferEncoding && http10) {
            return badLine("Transfer-Encoding on an HTTP/1.0 response.");
        }
        if (transferEncoding && lengths > 0) {
            return badLine(chunked ? "both Transfer-Encoding and Content-Length."
                    : "a Transfer-Encoding without chunked and a Content-Length.");
        }
        framing = chunked ? CHUNKS : lengths > 0 ? LENGTH : TO_CLOSE;
        return 0;
    }

    private long decimalValue(int h) {
        long v = 0;
        for (int i = valueStart(h); i < valueEnd(h); i++) {
            v = v * 10 + (b(i) - '0');
        }
        return v;
    }

    /** Whether header line {@code header} must not be written on to the client. */
    boolean cut(int header) {
        byte k = kinds[header];
        if (k == TE || k == UPGRADE || k == TRAILER || k == CONNECTION || k == KEEP_ALIVE || k == PROXY_CONNECTION
                || k == TRANSFER_ENCODING || k == PROXY_AUTHENTICATE || k == PROXY_AUTHORIZATION) {
            return true;
        }
        if (k == CONTENT_LENGTH && framing == CHUNKS) {
            return true;
        }
        return listedByConnection(header);
    }
}
