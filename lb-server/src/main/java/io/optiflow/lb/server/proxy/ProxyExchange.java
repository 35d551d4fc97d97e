package io.optiflow.lb.server.proxy;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.core.pool.Selector;
import io.optiflow.lb.server.metrics.BackendMeters;
import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * One proxied request, from pick to the end of the response. Also the request's {@link RequestContext} for the
 * picker. All its callbacks run on the event loop of the client's connection, so its fields need no
 * synchronization.
 *
 * <p>Feedback contract: every {@code selector.onStart} is matched by exactly one {@code onComplete}
 * ({@link #endAttempt}): SUCCESS for a response below 500 (and 500/501), FAILURE for connection errors, resets,
 * timeouts and 502-504, IGNORED when the client went away.
 */
final class ProxyExchange implements RequestContext {

    private final ProxyHandler handler;
    private final HttpServerRequest req;
    private final HttpServerResponse resp;
    private final ServiceRoute route;
    private final Selector selector;
    private final String method;
    private final String path;
    private final long hashKey;
    private final boolean hasBody;
    private final boolean chunkedBody;
    private final boolean expectContinue;
    private final String upgrade;
    private final String connectionHeader;
    private final HostAndPort authority;
    private final String forwardedHost;
    private final String peerIp;
    private final boolean trustedPeer;
    private final boolean http2;

    private final Backend[] tried;
    private int triedCount;
    private Backend backend;
    private BackendMeters meters;
    private long startNanos;
    private boolean attemptOpen;
    private HttpClientRequest creq;
    private boolean clientGone;
    private boolean responded;
    private boolean finished;
    private boolean bodyStarted;
    private HttpClientResponse backendResponse;
    private Outcome responseOutcome;
    private int responseStatus;
    private long bodyRemaining;
    private Buffer heldChunk;

    ProxyExchange(ProxyHandler handler, HttpServerRequest req, ServiceRoute route, long hashKey, boolean hasBody,
                  boolean chunkedBody, boolean expectContinue, String upgrade, String connectionHeader,
                  HostAndPort authority, String forwardedHost, String peerIp, boolean trustedPeer) {
        this.handler = handler;
        this.req = req;
        this.resp = req.response();
        this.route = route;
        this.selector = route.pool.selector();
        this.method = req.method().name();
        this.path = req.path();
        this.hashKey = hashKey;
        this.hasBody = hasBody;
        this.chunkedBody = chunkedBody;
        this.expectContinue = expectContinue;
        this.upgrade = upgrade;
        this.connectionHeader = connectionHeader;
        this.authority = authority;
        this.forwardedHost = forwardedHost;
        this.peerIp = peerIp;
        this.trustedPeer = trustedPeer;
        this.http2 = req.version() == HttpVersion.HTTP_2;
        this.tried = new Backend[route.settings.retryAttempts() + 1];
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public long hashKey() {
        return hashKey;
    }

    void start() {
        resp.closeHandler(v -> onClientClosed());
        PickResult first = selector.pick(this);
        if (!first.isBackend()) {
            if (first == Rejection.RATE_LIMITED) {
                route.metrics.rateLimited().increment();
                respondError(429, "Too many requests to service '" + route.name + "'; retry later.", 1);
            } else {
                route.metrics.noBackend().increment();
                respondError(503, "No healthy backend for service '" + route.name + "'; retry later.", 1);
            }
            return;
        }
        attempt(first.backend());
    }

    private boolean idempotent() {
        HttpMethod m = req.method();
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
                || m == HttpMethod.DELETE;
    }

    /** Another backend not tried yet, or null when the retry limit is reached or none is left. */
    private Backend nextUntried() {
        if (triedCount >= tried.length) {
            return null;
        }
        // A picker may return a tried backend again (round robin wraps, hashing sticks): ask a few times.
        for (int i = 0; i < 2 + tried.length; i++) {
            PickResult r = selector.pick(this);
            if (!r.isBackend()) {
                return null;
            }
            Backend b = r.backend();
            boolean seen = false;
            for (int j = 0; j < triedCount; j++) {
                if (tried[j].id().equals(b.id())) {
                    seen = true;
                    break;
                }
            }
            if (!seen) {
                return b;
            }
        }
        return null;
    }

    private void attempt(Backend b) {
        tried[triedCount++] = b;
        backend = b;
        meters = route.metrics.backend(b.id());
        creq = null;
        selector.onStart(b);
        meters.started();
        attemptOpen = true;
        startNanos = System.nanoTime();
        RequestOptions o = new RequestOptions().setMethod(req.method()).setHost(b.host()).setPort(b.port())
                .setURI(targetUri()).setConnectTimeout(handler.connectTimeoutMillis)
                .setIdleTimeout(route.settings.timeoutMillis());
        // A WebSocket gets a connection of its own: it never goes back to the keep-alive pool.
        (upgrade != null ? handler.upgradeClient : handler.client).request(o).onComplete(this::onConnected);
    }

    /** Origin-form target for the backend, also when the client sent absolute-form ({@code GET http://h/p}). */
    private String targetUri() {
        String uri = req.uri();
        if (uri.startsWith("/")) {
            return uri;
        }
        String q = req.query();
        return q == null ? path : path + "?" + q;
    }

    private static void ignore(Throwable t) {
    }

    private void endAttempt(Outcome outcome) {
        if (!attemptOpen) {
            return;
        }
        attemptOpen = false;
        selector.onComplete(backend, System.nanoTime() - startNanos, outcome);
        meters.ended();
    }

    private void retry(Backend next) {
        route.metrics.retries().increment();
        attempt(next);
    }

    private void onConnected(AsyncResult<HttpClientRequest> ar) {
        if (ar.failed()) {
            // Nothing was sent: any method may go to another backend.
            endAttempt(Outcome.FAILURE);
            if (clientGone) {
                return;
            }
            Backend next = nextUntried();
            if (next != null) {
                retry(next);
            } else {
                respondError(503, "Could not connect to a backend of service '" + route.name + "' ("
                        + ar.cause().getMessage() + "); retry later.", 1);
            }
            return;
        }
        HttpClientRequest c = ar.result();
        creq = c;
        // Failures arrive through the response future and the body pipe; without a handler Vert.x would also
        // log each one at ERROR (a reset after the client left is routine).
        c.exceptionHandler(ProxyExchange::ignore);
        if (clientGone) {
            c.reset();
            endAttempt(Outcome.IGNORED);
            return;
        }
        copyRequestHeaders(c);
        if (upgrade != null) {
            c.headers().set("connection", "upgrade").set("upgrade", upgrade);
            c.connect().onComplete(this::onUpgradeResponse);
            req.resume();
            return;
        }
        c.response().onComplete(this::onResponse);
        if (hasBody) {
            if (chunkedBody) {
                c.setChunked(true);
            }
            bodyStarted = true;
            if (expectContinue) {
                // Answered only now that a backend is connected, so a client never uploads into the void.
                resp.writeContinue();
            }
            req.pipe().endOnFailure(false).to(c).onFailure(e -> {
                // The client's upload broke off: the backend must not take a truncated body as complete.
                c.reset(0, e);
            });
        } else {
            c.end();
            req.resume();
        }
    }

    private void copyRequestHeaders(HttpClientRequest c) {
        MultiMap out = c.headers();
        for (Map.Entry<String, String> e : req.headers()) {
            String name = e.getKey();
            if (Headers.isHopByHopOrOwn(name) || Headers.listedIn(connectionHeader, name)) {
                continue;
            }
            out.add(name, e.getValue());
        }
        if (authority != null) {
            c.authority(authority);
        }
        MultiMap in = req.headers();
        String xff = trustedPeer ? in.get("x-forwarded-for") : null;
        // The forwarding headers are never copied above (Headers.isHopByHopOrOwn), so add, not set: no search.
        out.add("x-forwarded-for", xff == null ? peerIp : xff + ", " + peerIp);
        String proto = trustedPeer ? in.get("x-forwarded-proto") : null;
        out.add("x-forwarded-proto", proto == null ? "http" : proto);
        String xfh = trustedPeer ? in.get("x-forwarded-host") : null;
        if (xfh != null) {
            out.add("x-forwarded-host", xfh);
        } else if (forwardedHost != null) {
            out.add("x-forwarded-host", forwardedHost);
        }
        String fwd = trustedPeer ? in.get("forwarded") : null;
        String mine = "for=" + (peerIp.indexOf(':') >= 0 ? "\"[" + peerIp + "]\"" : peerIp)
                + (forwardedHost != null ? ";host=\"" + forwardedHost + "\"" : "") + ";proto=http";
        out.add("forwarded", fwd == null ? mine : fwd + ", " + mine);
    }

    private boolean mayRetryAfterSend() {
        return idempotent() && !hasBody && upgrade == null && triedCount < tried.length && !clientGone;
    }

    private static boolean isTimeout(Throwable t) {
        return t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout");
    }

    private void onResponse(AsyncResult<HttpClientResponse> ar) {
        if (clientGone) {
            if (creq != null) {
                creq.reset();
            }
            endAttempt(Outcome.IGNORED);
            return;
        }
        if (ar.failed()) {
            Throwable cause = ar.cause();
            endAttempt(Outcome.FAILURE);
            if (isTimeout(cause)) {
                respondError(504, "Backend " + backend.id() + " of service '" + route.name + "' did not answer within "
                        + route.settings.timeoutMillis() + " ms.", 0);
                return;
            }
            if (mayRetryAfterSend()) {
                Backend next = nextUntried();
                if (next != null && route.retryBudget.tryRetry()) {
                    retry(next);
                    return;
                }
            }
            respondError(502, "Backend " + backend.id() + " of service '" + route.name + "' failed: "
                    + cause.getMessage(), 0);
            return;
        }
        HttpClientResponse br = ar.result();
        int status = br.statusCode();
        if ((status == 502 || status == 503) && mayRetryAfterSend()) {
            Backend next = nextUntried();
            if (next != null && route.retryBudget.tryRetry()) {
                endAttempt(Outcome.FAILURE);
                // Unread body is dropped; the connection stays in the pool.
                retry(next);
                return;
            }
        }
        forwardResponse(br, status);
    }

    private void forwardResponse(HttpClientResponse br, int status) {
        responded = true;
        resp.setStatusCode(status);
        if (!http2 && br.statusMessage() != null) {
            resp.setStatusMessage(br.statusMessage());
        }
        MultiMap out = resp.headers();
        String respConnection = br.headers().get("connection");
        String length = null;
        for (Map.Entry<String, String> e : br.headers()) {
            String name = e.getKey();
            if (Headers.isHopByHopResponse(name) || Headers.listedIn(respConnection, name)) {
                continue;
            }
            if (name.length() == 14 && name.equalsIgnoreCase("content-length")) {
                length = e.getValue();
            }
            out.add(name, e.getValue());
        }
        if (length == null && !http2 && status >= 200 && status != 204 && status != 304
                && req.method() != HttpMethod.HEAD) {
            resp.setChunked(true);
        }
        responseOutcome = status >= 502 && status <= 504 ? Outcome.FAILURE : Outcome.SUCCESS;
        responseStatus = status;
        bodyRemaining = length == null ? -1 : Headers.contentLength(length);
        backendResponse = br;
        // Straight handlers rather than a Pipe: no pause/resume round trip through the event loop's task queue.
        br.handler(this::onBackendChunk);
        br.endHandler(v -> onBackendEnd());
        br.exceptionHandler(this::onBackendFailed);
        // Vert.x calls this before the close handler when the client's connection goes while the response is open.
        resp.exceptionHandler(this::onClientFailed);
    }

    /**
     * A chunk of the backend's body. The chunk that completes a declared Content-Length is held back and sent
     * with the end of the response (its end follows at once), so a small response leaves in one write and one
     * flush rather than two. Anything else is written as it comes, with back-pressure on the backend.
     */
    private void onBackendChunk(Buffer chunk) {
        if (finished) {
            return;
        }
        if (bodyRemaining >= 0) {
            bodyRemaining -= chunk.length();
            if (bodyRemaining == 0 && heldChunk == null) {
                heldChunk = chunk;
                return;
            }
        }
        if (heldChunk != null) {
            resp.write(heldChunk);
            heldChunk = null;
        }
        resp.write(chunk);
        if (resp.writeQueueFull()) {
            HttpClientResponse br = backendResponse;
            br.pause();
            resp.drainHandler(v -> br.resume());
        }
    }

    private void onBackendEnd() {
        if (finished) {
            return;
        }
        Buffer last = heldChunk;
        heldChunk = null;
        (last == null ? resp.end() : resp.end(last)).onComplete(ar -> {
            if (ar.succeeded()) {
                bodyDone(true);
            } else {
                onClientFailed(ar.cause());
            }
        });
    }

    /** The backend broke off mid-body (or went silent past the timeout). */
    private void onBackendFailed(Throwable t) {
        bodyDone(false);
    }

    /** The client's side of the response failed: the client went away. */
    private void onClientFailed(Throwable t) {
        onClientClosed();
        bodyDone(false);
    }

    private void bodyDone(boolean succeeded) {
        if (finished) {
            return;
        }
        finished = true;
        heldChunk = null;
        if (succeeded) {
            endAttempt(responseOutcome);
        } else if (clientGone) {
            endAttempt(Outcome.IGNORED);
        } else {
            // The backend broke off mid-body: the client must not take a truncated body as complete.
            endAttempt(Outcome.FAILURE);
            resp.reset();
        }
        meters.record(responseStatus, System.nanoTime() - startNanos);
    }

    private void onUpgradeResponse(AsyncResult<HttpClientResponse> ar) {
        if (clientGone) {
            endAttempt(Outcome.IGNORED);
            return;
        }
        if (ar.failed()) {
            endAttempt(Outcome.FAILURE);
            respondError(502, "Backend " + backend.id() + " refused the upgrade: " + ar.cause().getMessage(), 0);
            return;
        }
        HttpClientResponse br = ar.result();
        if (br.statusCode() != 101) {
            forwardResponse(br, br.statusCode());
            return;
        }
        responded = true;
        resp.setStatusCode(101);
        resp.headers().addAll(br.headers());
        req.toNetSocket().onComplete(sar -> {
            NetSocket back = br.netSocket();
            if (sar.failed()) {
                back.close();
                endAttempt(Outcome.FAILURE);
                return;
            }
            NetSocket front = sar.result();
            meters.record(101, -1);
            front.pipeTo(back);
            back.pipeTo(front);
            front.closeHandler(v -> {
                back.close();
                endAttempt(Outcome.SUCCESS);
            });
            back.closeHandler(v -> {
                front.close();
                endAttempt(Outcome.SUCCESS);
            });
        });
    }

    private void onClientClosed() {
        if (finished) {
            return;
        }
        clientGone = true;
        if (creq != null) {
            creq.reset();
        }
        endAttempt(Outcome.IGNORED);
    }

    /** An answer of the proxy's own; {@code retryAfter} > 0 adds Retry-After. After headers went out: reset. */
    private void respondError(int status, String message, long retryAfter) {
        finished = true;
        BackendMeters m = status == 503 || status == 429 ? route.metrics.none() : meters;
        (m == null ? route.metrics.none() : m).record(status, -1);
        if (responded || resp.headWritten()) {
            resp.reset();
            return;
        }
        responded = true;
        if (!bodyStarted) {
            req.resume(); // drain an unsent body so the connection can carry the next request
        }
        // A body already (partly) sent upstream cannot be drained safely: close rather than guess where it ends.
        ProxyHandler.sendError(req, status, message, retryAfter, bodyStarted);
    }
}
