package io.optiflow.lb.server.proxy;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.server.config.ServiceSettings;
import io.optiflow.lb.server.ratelimit.RateLimiter;

/**
 * The routing step of a checked request: target form, service by host and path, rate limits, affinity key, then
 * the head rewritten for the backend and an {@link Exchange} started. Shared by all connections; immutable.
 */
final class RequestRouter {

    private final RoutingTable routes;

    RequestRouter(RoutingTable routes) {
        this.routes = routes;
    }

    void route(ClientConnection client, HttpRequest req, RequestChecks k) {
        String uri = req.uri();
        String origin = originForm(uri);
        if (origin == null) {
            client.reject(400, "Bad Request: the request target must be a path starting with '/'.");
            return;
        }
        int q = origin.indexOf('?');
        String path = q < 0 ? origin : origin.substring(0, q);
        String clientIp = client.trustedPeer ? clientFromForwarded(k.xForwardedFor, client.peerIp) : client.peerIp;
        ServiceRoute route = admit(routes, client, k.host, path, clientIp, req instanceof LastHttpContent);
        if (route == null) {
            return;
        }
        // Only WebSocket is tunnelled; any other Upgrade offer (h2c from an HTTP/1.1 client) is dropped as
        // hop-by-hop and the request proxied as it is.
        boolean webSocket = !client.http2 && k.upgrade != null && Headers.listedIn(k.connection, "upgrade")
                && Headers.listedIn(k.upgrade, "websocket");
        // Keys hashed from a string are hashed only if the picker asks (most strategies do not); header and cookie
        // keys are read now, before the head is rewritten for the backend.
        ServiceSettings.HashKey key = route.settings.hashKey();
        String hashSource = hashSource(key, path, clientIp);
        String keyHeader = keyHeader(key);
        long hashKey = hashSource == null ? hashKey(key, keyHeader == null ? null : req.headers().get(keyHeader),
                clientIp, path) : 0;
        RequestHeads.prepare(req, origin, k, webSocket, client);
        client.startExchange(new Exchange(client, route, req, path, hashKey, hashSource, k.hasBody, k.expectContinue,
                webSocket), route.admission);
    }

    /**
     * The byte path's routing ({@link HeadForwarder}): the same steps over the scanned head, while its scan is valid;
     * the head for the backend is written ({@link RawHead#build}) once a service takes it.
     */
    void route(ClientConnection client, RawHead raw) {
        String origin = originForm(raw.target); // not null: HeadScan refused other forms
        int q = origin.indexOf('?');
        String path = q < 0 ? origin : origin.substring(0, q);
        String clientIp = client.trustedPeer ? clientFromForwarded(raw.xForwardedFor(), client.peerIp) : client.peerIp;
        ServiceRoute route = admit(routes, client, raw.host, path, clientIp, false);
        if (route == null) {
            return;
        }
        ServiceSettings.HashKey key = route.settings.hashKey();
        String hashSource = hashSource(key, path, clientIp);
        String keyHeader = keyHeader(key);
        long hashKey = hashSource == null ? hashKey(key, keyHeader == null ? null : raw.header(keyHeader), clientIp,
                path) : 0;
        raw.build(client.channel().alloc(), origin, client);
        client.startExchange(new Exchange(client, route, raw, path, hashKey, hashSource), route.admission);
    }

    /** Origin-form target ({@code /p?q}), also from absolute-form ({@code http://h/p?q}); null for anything else. */
    static String originForm(String uri) {
        if (!uri.isEmpty() && uri.charAt(0) == '/') {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme <= 0) {
            return null;
        }
        int slash = uri.indexOf('/', scheme + 3);
        if (slash < 0) {
            int qm = uri.indexOf('?', scheme + 3);
            return qm < 0 ? "/" : "/" + uri.substring(qm);
        }
        return uri.substring(slash);
    }

    /** The service for {@code host} and {@code path}, past its rate limit; null when answered (404, 429). */
    private static ServiceRoute admit(RoutingTable routes, ClientConnection client, String host, String path,
                                      String clientIp, boolean ended) {
        ServiceRoute route = routes.route(host, path);
        if (route == null) {
            client.answer(404, "No service is configured for host '" + (host == null ? "" : host)
                    + "' and path '" + path + "'.", 0, ended, null);
            return null;
        }
        RateLimiter limiter = route.rateLimiter;
        if (limiter.isActive()) {
            long wait = limiter.tryAcquire(clientIp, System.nanoTime());
            if (wait > 0) {
                route.metrics.rateLimited().increment();
                route.metrics.none().record(429, -1);
                client.answer(429, "Too Many Requests to service '" + route.name + "'; retry later.",
                        RateLimiter.retryAfterSeconds(wait), ended, route.name);
                return null;
            }
        }
        route.retryBudget.onRequest();
        return route;
    }

    /** The string a key of this kind is the hash of (hashed only if the picker asks), or null for the others. */
    private static String hashSource(ServiceSettings.HashKey key, String path, String clientIp) {
        return key.kind() == ServiceSettings.HashKey.Kind.PATH ? path
                : key.kind() == ServiceSettings.HashKey.Kind.CLIENT_IP ? clientIp : null;
    }

    /** The header a key of this kind is read from (its own, or Cookie), or null. */
    private static String keyHeader(ServiceSettings.HashKey key) {
        return key.kind() == ServiceSettings.HashKey.Kind.HEADER ? key.name()
                : key.kind() == ServiceSettings.HashKey.Kind.COOKIE ? "cookie" : null;
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

    /** @param header the value of {@link #keyHeader}'s header (the first one), or null */
    private static long hashKey(ServiceSettings.HashKey key, String header, String clientIp, String path) {
        switch (key.kind()) {
            case PATH:
                return RequestContext.hash(path);
            case HEADER:
                return header == null ? 0 : RequestContext.hash(header);
            case COOKIE: {
                String cookies = header;
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
}
