package io.optiflow.lb.server.proxy;

import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;

/**
 * Rewrites a checked request head in place for the backend (the same object is written to the backend: no header
 * is copied): hop-by-hop headers and those the Connection header names removed, forwarding headers set, origin-form
 * target, HTTP/1.1.
 */
final class RequestHeads {

    private static final CharSequence[] HTTP2_EXTENSIONS = {
        HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(), HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
        HttpConversionUtil.ExtensionHeaderNames.PATH.text(),
        HttpConversionUtil.ExtensionHeaderNames.STREAM_PROMISE_ID.text(),
        HttpConversionUtil.ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(),
        HttpConversionUtil.ExtensionHeaderNames.STREAM_WEIGHT.text()};

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");

    /** The names this class and the exchange set on a request head (all valid tokens: RequestHeadsTest). */
    static final AsciiString[] OWN_NAMES = {X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST, FORWARDED,
        HttpHeaderNames.HOST, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE};

    /**
     * The request decoder's header-name check: every name read from a client is checked as Netty checks it; the
     * proxy's own constant names are not checked again on every request.
     */
    static final DefaultHeaders.NameValidator<CharSequence> NAMES = Headers.namesExcept(OWN_NAMES);

    private RequestHeads() {
    }

    static void prepare(HttpRequest req, String origin, RequestChecks k, boolean webSocket, ClientConnection client) {
        HttpHeaders h = req.headers();
        int found = k.found;
        if (found != 0) {
            for (int i = 0; i < RequestChecks.HOP_NAMES.length; i++) {
                if ((found & (1 << i)) != 0) {
                    h.remove(RequestChecks.HOP_NAMES[i]);
                }
            }
        }
        if (k.connection != null) {
            Headers.removeListed(h, k.connection);
        }
        if (client.http2) {
            for (CharSequence n : HTTP2_EXTENSIONS) {
                h.remove(n);
            }
        }
        if (k.chunked) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (webSocket) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            h.set(HttpHeaderNames.UPGRADE, k.upgrade);
        }
        if (origin != req.uri()) {
            req.setUri(origin);
        }
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
        forwarding(h, k, client);
    }

    private static void forwarding(HttpHeaders h, RequestChecks k, ClientConnection client) {
        boolean trusted = client.trustedPeer;
        String peerIp = client.peerIp;
        String xff = trusted ? k.xForwardedFor : null;
        h.set(X_FORWARDED_FOR, xff == null ? peerIp : xff + ", " + peerIp);
        String proto = trusted ? k.xForwardedProto : null;
        h.set(X_FORWARDED_PROTO, proto == null ? client.tls ? HTTPS : HTTP : proto);
        String xfh = trusted ? k.xForwardedHost : null;
        if (xfh != null) {
            h.set(X_FORWARDED_HOST, xfh);
        } else if (k.host != null) {
            h.set(X_FORWARDED_HOST, k.host);
        }
        String fwd = trusted ? k.forwarded : null;
        String mine = client.forwardedFor(k.host);
        h.set(FORWARDED, fwd == null ? mine : fwd + ", " + mine);
    }
}
