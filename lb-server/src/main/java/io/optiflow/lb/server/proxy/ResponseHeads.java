package io.optiflow.lb.server.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * Rewrites a backend's response head in place for the client (the same object is written on: no header is
 * copied): hop-by-hop headers and those its Connection header names removed, framing and keep-alive set for the
 * client's connection.
 */
final class ResponseHeads {

    private static final AsciiString[] HOP = {
        AsciiString.cached("te"), AsciiString.cached("upgrade"), AsciiString.cached("trailer"),
        AsciiString.cached("connection"), AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"),
        AsciiString.cached("transfer-encoding"), AsciiString.cached("proxy-authenticate"),
        AsciiString.cached("proxy-authorization")};

    private ResponseHeads() {
    }

    /**
     * Rewrites {@code r}; returns whether the backend keeps its connection open after it (what
     * {@code HttpUtil.isKeepAlive} answers, from the Connection values this pass collects anyway).
     */
    static boolean prepare(HttpResponse r, boolean headRequest, ClientConnection client) {
        HttpHeaders h = r.headers();
        int found = 0;
        boolean hasLength = false;
        String connection = null;
        Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence n = e.getKey();
            int len = n.length();
            if (len == 14 && AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.CONTENT_LENGTH)) {
                hasLength = true;
                continue;
            }
            if (len != 2 && len != 7 && len != 10 && len != 16 && len != 17 && len != 18 && len != 19) {
                continue;
            }
            for (int i = 0; i < HOP.length; i++) {
                if (HOP[i].length() == len && AsciiString.contentEqualsIgnoreCase(n, HOP[i])) {
                    found |= 1 << i;
                    if (i == 3) {
                        connection = connection == null ? e.getValue().toString() : connection + "," + e.getValue();
                    }
                }
            }
        }
        for (int i = 0; found != 0 && i < HOP.length; i++) {
            if ((found & (1 << i)) != 0) {
                h.remove(HOP[i]);
            }
        }
        if (connection != null) {
            Headers.removeListed(h, connection);
        }
        boolean backendKeepAlive = Headers.keepAlive(r.protocolVersion(), connection);
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        int status = r.status().code();
        boolean bodyless = headRequest || status == 204 || status == 304 || status < 200;
        if (!hasLength && !bodyless) {
            if (client.http2 || !client.http10) {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                client.closeAfterResponse(); // an HTTP/1.0 client reads this body to the close
            }
        }
        if (!client.http2) {
            if (client.closesAfterResponse()) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (client.http10) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
        return backendKeepAlive;
    }
}
