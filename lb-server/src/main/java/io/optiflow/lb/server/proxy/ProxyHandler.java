package io.optiflow.lb.server.proxy;

import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.server.config.Cidr;
import io.optiflow.lb.server.config.ProxySettings;
import io.optiflow.lb.server.config.ServiceSettings;
import io.optiflow.lb.server.ratelimit.RateLimiter;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * The data plane's request handler: checks the request (smuggling vectors and limits Vert.x/Netty leave to us),
 * routes it, applies rate limits and hands it to a {@link ProxyExchange}. Shared by all server instances;
 * stateless apart from immutable settings.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

    final HttpClient client;
    final HttpClient upgradeClient;
    final long connectTimeoutMillis;
    private final RoutingTable routes;
    private final int maxHeaderCount;
    private final List<Cidr> trusted;

    ProxyHandler(HttpClient client, HttpClient upgradeClient, RoutingTable routes, ProxySettings settings) {
        this.client = client;
        this.upgradeClient = upgradeClient;
        this.routes = routes;
        this.connectTimeoutMillis = settings.connectTimeoutMillis();
        this.maxHeaderCount = settings.maxHeaderCount();
        this.trusted = settings.trustedProxies();
    }

    @Override
    public void handle(HttpServerRequest req) {
        req.pause();
        boolean http2 = req.version() == HttpVersion.HTTP_2;
        MultiMap headers = req.headers();
        int count = 0;
        int hosts = 0;
        int lengths = 0;
        String host = null;
        String contentLength = null;
        String transferEncoding = null;
        String connection = null;
        String upgrade = null;
        boolean expectContinue = false;
        for (Map.Entry<String, String> e : headers) {
            count++;
            String n = e.getKey();
            switch (n.length()) {
                case 4 -> {
                    if (n.equalsIgnoreCase("host")) {
                        hosts++;
                        host = e.getValue();
                    }
                }
                case 6 -> {
                    if (n.equalsIgnoreCase("expect")) {
                        if (!e.getValue().trim().equalsIgnoreCase("100-continue")) {
                            reject(req, 417, "Expectation Failed: only 'Expect: 100-continue' is supported.");
                            return;
                        }
                        expectContinue = true;
                    }
                }
                case 7 -> {
                    if (n.equalsIgnoreCase("upgrade")) {
                        upgrade = e.getValue();
                    }
                }
                case 10 -> {
                    if (n.equalsIgnoreCase("connection")) {
                        connection = connection == null ? e.getValue() : connection + "," + e.getValue();
                    }
                }
                case 14 -> {
                    if (n.equalsIgnoreCase("content-length")) {
                        lengths++;
                        contentLength = e.getValue();
                    }
                }
                case 17 -> {
                    if (n.equalsIgnoreCase("transfer-encoding")) {
                        if (transferEncoding != null) {
                            reject(req, 400, "Bad Request: more than one Transfer-Encoding header.");
                            return;
                        }
                        transferEncoding = e.getValue();
                    }
                }
                default -> {
                }
            }
        }
        if (count > maxHeaderCount) {
            sendError(req, 431, "Request Header Fields Too Large: " + count + " headers (limit " + maxHeaderCount
                    + ").", 0, true);
            return;
        }
        if (!http2) {
            if (hosts > 1) {
                reject(req, 400, "Bad Request: more than one Host header.");
                return;
            }
            if (hosts == 0 && req.version() == HttpVersion.HTTP_1_1) {
                reject(req, 400, "Bad Request: HTTP/1.1 requires a Host header.");
                return;
            }
        }
        if (lengths > 1 || (contentLength != null && contentLength.indexOf(',') >= 0)) {
            reject(req, 400, "Bad Request: more than one Content-Length.");
            return;
        }
        if (transferEncoding != null && contentLength != null) {
            reject(req, 400, "Bad Request: both Transfer-Encoding and Content-Length.");
            return;
        }
        if (transferEncoding != null && !transferEncoding.trim().equalsIgnoreCase("chunked")) {
            reject(req, 400, "Bad Request: Transfer-Encoding must be exactly 'chunked'.");
            return;
        }
        long length = -1;
        if (contentLength != null) {
            length = Headers.contentLength(contentLength);
            if (length < 0) {
                reject(req, 400, "Bad Request: Content-Length '" + contentLength + "' is not a number.");
                return;
            }
        }

        HostAndPort authority = req.authority();
        String routeHost = http2 ? (authority == null ? null : authority.host()) : host;
        String path = req.path();
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            reject(req, 400, "Bad Request: the request target must be a path starting with '/'.");
            return;
        }
        ServiceRoute route = routes.route(routeHost, path);
        if (route == null) {
            req.resume();
            sendError(req, 404, "No service is configured for host '" + (routeHost == null ? "" : routeHost)
                    + "' and path '" + path + "'.", 0, false);
            return;
        }

        SocketAddress remote = req.remoteAddress();
        String peerIp = remote == null ? "unknown" : remote.hostAddress();
        boolean trustedPeer = !trusted.isEmpty() && isTrusted(peerIp);
        String clientIp = trustedPeer ? clientFromForwarded(headers.get("x-forwarded-for"), peerIp) : peerIp;

        RateLimiter limiter = route.rateLimiter;
        if (limiter.isActive()) {
            long wait = limiter.tryAcquire(clientIp, System.nanoTime());
            if (wait > 0) {
                route.metrics.rateLimited().increment();
                route.metrics.none().record(429, -1);
                req.resume();
                sendError(req, 429, "Too Many Requests to service '" + route.name + "'; retry later.",
                        RateLimiter.retryAfterSeconds(wait), false);
                return;
            }
        }
        route.retryBudget.onRequest();

        boolean hasBody;
        boolean chunked;
        if (http2) {
            hasBody = length > 0 || (length < 0 && !req.isEnded());
            chunked = hasBody && length < 0;
        } else {
            chunked = transferEncoding != null;
            hasBody = chunked || length > 0;
        }
        // Only WebSocket is tunnelled; any other Upgrade offer (h2c from an HTTP/1.1 client) is dropped as
        // hop-by-hop and the request proxied as it is.
        boolean isUpgrade = !http2 && upgrade != null && Headers.listedIn(connection, "upgrade")
                && Headers.listedIn(upgrade, "websocket");
        String forwardedHost = http2 ? (authority == null ? null : authority.toString()) : host;
        long hashKey = hashKey(route.settings.hashKey(), req, clientIp, path);
        new ProxyExchange(this, req, route, hashKey, hasBody, chunked, expectContinue, isUpgrade ? upgrade : null,
                connection, authority, forwardedHost, peerIp, trustedPeer).start();
    }

    private boolean isTrusted(String ip) {
        byte[] bytes;
        try {
            // An IP literal: no DNS lookup happens.
            bytes = InetAddress.getByName(ip).getAddress();
        } catch (Exception e) {
            return false;
        }
        for (Cidr c : trusted) {
            if (c.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The address the trusted proxy saw: the last X-Forwarded-For entry. */
    private static String clientFromForwarded(String xff, String peerIp) {
        if (xff == null || xff.isBlank()) {
            return peerIp;
        }
        int comma = xff.lastIndexOf(',');
        String last = xff.substring(comma + 1).trim();
        return last.isEmpty() ? peerIp : last;
    }

    private static long hashKey(ServiceSettings.HashKey key, HttpServerRequest req, String clientIp, String path) {
        switch (key.kind()) {
            case PATH:
                return RequestContext.hash(path);
            case HEADER: {
                String v = req.headers().get(key.name());
                return v == null ? 0 : RequestContext.hash(v);
            }
            case COOKIE: {
                String cookies = req.headers().get("cookie");
                if (cookies == null) {
                    return 0;
                }
                String name = key.name();
                int i = 0;
                int n = cookies.length();
                while (i < n) {
                    while (i < n && (cookies.charAt(i) == ' ' || cookies.charAt(i) == ';')) {
                        i++;
                    }
                    int eq = cookies.indexOf('=', i);
                    int end = cookies.indexOf(';', i);
                    if (end < 0) {
                        end = n;
                    }
                    if (eq > 0 && eq < end && eq - i == name.length() && cookies.regionMatches(i, name, 0, name.length())) {
                        return Headers.hash(cookies, eq + 1, end);
                    }
                    i = end + 1;
                }
                return 0;
            }
            default:
                return RequestContext.hash(clientIp);
        }
    }

    /** A malformed request: answer and close, so nothing after it on the connection is read as a request. */
    private static void reject(HttpServerRequest req, int status, String message) {
        sendError(req, status, message, 0, true);
    }

    static void sendError(HttpServerRequest req, int status, String message, long retryAfterSeconds, boolean close) {
        HttpServerResponse resp = req.response();
        if (resp.ended()) {
            return;
        }
        resp.setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8");
        if (retryAfterSeconds > 0) {
            resp.putHeader("retry-after", Long.toString(retryAfterSeconds));
        }
        boolean http1 = req.version() != HttpVersion.HTTP_2;
        if (close && http1) {
            resp.putHeader("connection", "close");
        }
        resp.end(message + "\n").onComplete(v -> {
            if (close && http1) {
                req.connection().close();
            }
        });
    }
}
