package io.optiflow.lb.server.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * The checks a request head must pass before anything is forwarded (smuggling vectors and limits the codec leaves
 * to us), done in one pass over the headers, which also notes what the later steps need (host, framing, hop-by-hop
 * headers present, forwarding headers). One instance per client connection, reused for each request: no allocation.
 */
final class RequestChecks {

    // hop-by-hop and proxy-owned request headers found (bits), removed before forwarding
    static final int TE = 1;
    static final int EXPECT = 1 << 1;
    static final int UPGRADE = 1 << 2;
    static final int TRAILER = 1 << 3;
    static final int CONNECTION = 1 << 4;
    static final int KEEP_ALIVE = 1 << 5;
    static final int PROXY_CONNECTION = 1 << 6;
    static final int TRANSFER_ENCODING = 1 << 7;
    static final int PROXY_AUTHENTICATE = 1 << 8;
    static final int PROXY_AUTHORIZATION = 1 << 9;
    static final int X_FORWARDED_HOST = 1 << 10;

    static final AsciiString[] HOP_NAMES = {
        AsciiString.cached("te"), AsciiString.cached("expect"), AsciiString.cached("upgrade"),
        AsciiString.cached("trailer"), AsciiString.cached("connection"), AsciiString.cached("keep-alive"),
        AsciiString.cached("proxy-connection"), AsciiString.cached("transfer-encoding"),
        AsciiString.cached("proxy-authenticate"), AsciiString.cached("proxy-authorization"),
        AsciiString.cached("x-forwarded-host")};

    private final int maxHeaderCount;

    int status;
    String message;
    int found;
    String host;
    long contentLength;
    boolean chunked;
    boolean hasBody;
    boolean expectContinue;
    String connection;
    String upgrade;
    String xForwardedFor;
    String xForwardedProto;
    String xForwardedHost;
    String forwarded;

    RequestChecks(int maxHeaderCount) {
        this.maxHeaderCount = maxHeaderCount;
    }

    /** Checks {@code req}; {@code 0} when it may go on, else the status to answer (and close) with and {@link #message}. */
    int check(HttpRequest req, boolean http2) {
        status = 0;
        message = null;
        found = 0;
        host = null;
        contentLength = -1;
        chunked = false;
        expectContinue = false;
        connection = null;
        upgrade = null;
        xForwardedFor = null;
        xForwardedProto = null;
        xForwardedHost = null;
        forwarded = null;
        if (!http2 && req.protocolVersion() != HttpVersion.HTTP_1_1 && req.protocolVersion() != HttpVersion.HTTP_1_0) {
            // The codec accepts any NAME/x.y (also "hTTP/1.1", "HTTP/0.1", "HTTP/2.0") and the request would go on
            // as HTTP/1.1, without the checks HTTP/1.1 needs (Host).
            return fail(400, "Bad Request: the version must be HTTP/1.1 or HTTP/1.0.");
        }
        if (!isToken(req.method().name())) {
            return fail(400, "Bad Request: the method must be a token (letters, digits and !#$%&'*+-.^_`|~).");
        }
        if (!visibleAscii(req.uri())) {
            // The codec passes bytes above 0x7f and control characters in the target; a backend reads them its own
            // way (or, over HTTP/2, a CR LF in :path would split the request line written to the backend).
            return fail(400, "Bad Request: the request target may hold visible ASCII characters only"
                    + " (percent-encode the others).");
        }
        HttpHeaders headers = req.headers();
        int count = 0;
        int hosts = 0;
        int lengths = 0;
        String lengthText = null;
        String te = null;
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            count++;
            CharSequence n = e.getKey();
            switch (n.length()) {
                case 2 -> flag(n, "te", TE);
                case 4 -> {
                    if (is(n, "host")) {
                        hosts++;
                        host = e.getValue().toString();
                    }
                }
                case 6 -> {
                    if (is(n, "expect")) {
                        found |= EXPECT;
                        if (!e.getValue().toString().trim().equalsIgnoreCase("100-continue")) {
                            return fail(417, "Expectation Failed: only 'Expect: 100-continue' is supported.");
                        }
                        expectContinue = true;
                    }
                }
                case 7 -> {
                    if (is(n, "upgrade")) {
                        found |= UPGRADE;
                        upgrade = e.getValue().toString();
                    } else {
                        flag(n, "trailer", TRAILER);
                    }
                }
                case 9 -> {
                    if (is(n, "forwarded")) {
                        forwarded = e.getValue().toString();
                    }
                }
                case 10 -> {
                    if (is(n, "connection")) {
                        found |= CONNECTION;
                        String v = e.getValue().toString();
                        connection = connection == null ? v : connection + "," + v;
                    } else {
                        flag(n, "keep-alive", KEEP_ALIVE);
                    }
                }
                case 14 -> {
                    if (is(n, "content-length")) {
                        lengths++;
                        lengthText = e.getValue().toString();
                    }
                }
                case 15 -> {
                    if (is(n, "x-forwarded-for")) {
                        xForwardedFor = e.getValue().toString();
                    }
                }
                case 16 -> {
                    if (is(n, "x-forwarded-host")) {
                        found |= X_FORWARDED_HOST;
                        xForwardedHost = e.getValue().toString();
                    } else {
                        flag(n, "proxy-connection", PROXY_CONNECTION);
                    }
                }
                case 17 -> {
                    if (is(n, "transfer-encoding")) {
                        if (te != null) {
                            return fail(400, "Bad Request: more than one Transfer-Encoding header.");
                        }
                        found |= TRANSFER_ENCODING;
                        te = e.getValue().toString();
                    } else if (is(n, "x-forwarded-proto")) {
                        xForwardedProto = e.getValue().toString();
                    }
                }
                case 18 -> flag(n, "proxy-authenticate", PROXY_AUTHENTICATE);
                case 19 -> flag(n, "proxy-authorization", PROXY_AUTHORIZATION);
                default -> {
                }
            }
        }
        if (count > maxHeaderCount) {
            return fail(431, "Request Header Fields Too Large: " + count + " headers (limit " + maxHeaderCount + ").");
        }
        if (!http2) {
            if (hosts > 1) {
                return fail(400, "Bad Request: more than one Host header.");
            }
            if (hosts == 0 && req.protocolVersion() == HttpVersion.HTTP_1_1) {
                return fail(400, "Bad Request: HTTP/1.1 requires a Host header.");
            }
        }
        if (lengths > 1 || (lengthText != null && lengthText.indexOf(',') >= 0)) {
            return fail(400, "Bad Request: more than one Content-Length.");
        }
        if (te != null && lengthText != null) {
            return fail(400, "Bad Request: both Transfer-Encoding and Content-Length.");
        }
        if (te != null && !te.trim().equalsIgnoreCase("chunked")) {
            return fail(400, "Bad Request: Transfer-Encoding must be exactly 'chunked'.");
        }
        if (lengthText != null) {
            contentLength = Headers.contentLength(lengthText);
            if (contentLength < 0) {
                return fail(400, "Bad Request: Content-Length '" + lengthText + "' is not a number.");
            }
        }
        chunked = te != null;
        hasBody = chunked || contentLength > 0;
        if (http2 && req instanceof LastHttpContent) {
            hasBody = false; // the stream ended with its headers
        }
        return 0;
    }

    private static boolean visibleAscii(String s) {
        int n = s.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 token: one or more tchar. */
    private static boolean isToken(String s) {
        int n = s.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private void flag(CharSequence name, String expected, int bit) {
        if (is(name, expected)) {
            found |= bit;
        }
    }

    private static boolean is(CharSequence name, String expected) {
        return AsciiString.contentEqualsIgnoreCase(name, expected);
    }

    private int fail(int s, String m) {
        status = s;
        message = m;
        return s;
    }
}
