package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.core.pool.Selector;
import io.optiflow.lb.server.accesslog.AccessLog;
import io.optiflow.lb.server.metrics.LoopMeters;
import java.util.ArrayDeque;

/**
 * One proxied request, from pick to the end of the response (or of its WebSocket tunnel). Also the request's
 * {@link RequestContext} for the picker. Runs on its client connection's event loop, which also owns the backend
 * connections it uses, so its fields need no synchronization.
 *
 * <p>Feedback contract: every {@code selector.onStart} is matched by exactly one {@code onComplete}
 * ({@link #endAttempt}): SUCCESS for a response below 500 (and 500/501), FAILURE for connection errors, resets,
 * timeouts and 502-504, IGNORED when the client went away.
 */
final class Exchange implements RequestContext {

    /** The access log's status for a request whose client left before its response ended (as nginx logs it). */
    static final int CLIENT_LEFT = 499;

    private final ClientConnection client;
    private final LoopContext loop;
    private final ServiceRoute route;
    private final Selector selector;
    /** The decoded path's head, written to the backend; null on the byte path ({@link #raw}). */
    private final HttpRequest head;
    private final HttpMethod method;
    private final String path;
    /** The affinity key; for the keys hashed from a string ({@link #hashSource}) computed when a picker asks. */
    private long hashKey;
    private String hashSource;
    private final boolean hasBody;
    private final boolean expectContinue;
    private final boolean upgrade;
    /** No Host from the client: each backend gets its own authority (a request goes on as HTTP/1.1). */
    private final boolean hostless;
    /** The byte path: the head as the backend gets it; or null. */
    private final RawHead raw;
    /** The attempts this request may make (the first and its retries). */
    private final int maxAttempts;
    /** The backend of the first attempt; {@link #retried} holds all of them once there is a second. */
    private Backend firstTried;
    /** Backends tried, by attempt; made only when a request is retried (most never are). */
    private Backend[] retried;
    private int triedCount;

    private Backend backend;
    /** This loop's part of the current backend's meters. */
    private LoopMeters meters;
    private BackendPool pool;
    private BackendConnection conn;
    private long startNanos;
    /**
     * The latency of the last attempt that ended, as its strategy saw it, for the access log; -1 before one ended.
     * Stored whether or not the log is on: a plain store is cheaper than testing for the log first.
     */
    private long lastLatencyNanos = -1;
    /**
     * Response body bytes handed to the client's connection (the head not counted), for the access log. Counted
     * whether or not the log is on, as {@link #lastLatencyNanos}: one add per body part, no test.
     */
    private long bodyBytes;
    /** The clock reading of the current pick: handed to the picker, then the attempt's start. */
    private long pickNanos;
    private boolean attemptOpen;
    private boolean staleRetried;
    /** Request body parts received before a backend connection was ready. */
    private ArrayDeque<HttpContent> pendingBody;
    private boolean requestEnded;
    private boolean bodySent;
    private boolean continueSent;
    private boolean responded;
    private boolean ignoringInterim;
    private boolean responseKeepAlive;
    private int responseStatus;
    private Outcome responseOutcome;
    /**
     * The response head, prepared and not yet written: held until the first body part, so that a response whose
     * body ends in the same read goes to the client as one message (one encoding, one buffer, one write).
     */
    private HttpResponse pendingHead;
    private boolean tunnel;
    private boolean finished;
    private boolean clientGone;
    private boolean started;
    private QueuedStart queuedStart;

    /**
     * @param hashKey    the affinity key, when {@code hashSource} is null
     * @param hashSource the string the affinity key is the hash of, hashed only if the picker asks; or null
     */
    Exchange(ClientConnection client, ServiceRoute route, HttpRequest head, String path, long hashKey,
             String hashSource, boolean hasBody, boolean expectContinue, boolean upgrade) {
        this(client, route, head, head.method(), null, path, hashKey, hashSource, hasBody, expectContinue, upgrade,
                !head.headers().contains(HttpHeaderNames.HOST));
    }

    /** The byte path's request ({@link HeadForwarder}: no Expect, no upgrade; a body only with a Content-Length). */
    Exchange(ClientConnection client, ServiceRoute route, RawHead raw, String path, long hashKey, String hashSource) {
        this(client, route, null, raw.method, raw, path, hashKey, hashSource, raw.hasBody, false, false, raw.hostless);
    }

    private Exchange(ClientConnection client, ServiceRoute route, HttpRequest head, HttpMethod method, RawHead raw,
                     String path,
                     long hashKey, String hashSource, boolean hasBody, boolean expectContinue, boolean upgrade,
                     boolean hostless) {
        this.client = client;
        this.loop = client.loop;
        this.route = route;
        this.selector = route.pool.selector();
        this.head = head;
        this.method = method;
        this.path = path;
        this.hashKey = hashKey;
        this.hashSource = hashSource;
        this.hasBody = hasBody;
        this.expectContinue = expectContinue;
        this.upgrade = upgrade;
        this.hostless = hostless;
        this.raw = raw;
        this.maxAttempts = route.settings.retryAttempts() + 1;
    }

    @Override
    public String method() {
        return method.name();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public long hashKey() {
        String source = hashSource;
        if (source != null) { // most strategies never ask: no hash per request for them
            hashKey = RequestContext.hash(source);
            hashSource = null;
        }
        return hashKey;
    }

    @Override
    public long nowNanos() {
        return pickNanos;
    }

    long timeoutMillis() {
        return route.settings.timeoutMillis();
    }

    boolean requestEnded() {
        return requestEnded;
    }

    boolean isTunnel() {
        return tunnel;
    }

    /** The service this request goes to. */
    String serviceName() {
        return route.name;
    }

    /** It waits for a slot of its service; {@link #start} comes when it gets one. */
    void queued(QueuedStart q) {
        this.queuedStart = q;
    }

    /** Whether it ended before it started (its client left while it waited for a slot). */
    boolean endedUnstarted() {
        return finished && !started;
    }

    /** The slot came after its client left: it goes back. */
    void startAbandoned() {
        route.admission.exit();
    }

    /** Answers a request that never started (its service is at capacity); the connection goes on. */
    void refuse(int status, String message, long retryAfter) {
        if (finished) {
            return;
        }
        respondError(status, message, retryAfter);
    }

    /** Starts the request; it holds one of its service's slots ({@link Admission}) until it ends. */
    void start() {
        started = true;
        loop.requestStarted();
        pickNanos = System.nanoTime();
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
        if (hasBody && !expectContinue) {
            client.setReading(false); // until a backend connection takes the body
        }
        attempt(first.backend());
    }

    // ------------------------------------------------------------------ attempts and retries

    private void attempt(Backend b) {
        remember(b);
        backend = b;
        selector.onStart(b, pickNanos); // the reading taken just before the pick: no clock read in the strategy
        attemptOpen = true;
        staleRetried = false;
        startNanos = pickNanos; // read just before the pick that chose b
        pool = loop.pool(b);
        meters = pool.meters(route.metrics, b.id());
        if (upgrade) {
            pool.acquireDedicated(this);
        } else {
            pool.acquire(this);
        }
    }

    /** Reports the attempt's end (once); returns its latency, from the one clock read of the completion. */
    private long endAttempt(Outcome outcome) {
        if (!attemptOpen) {
            return -1;
        }
        attemptOpen = false;
        long now = System.nanoTime();
        long latency = now - startNanos;
        selector.onComplete(backend, latency, outcome, now);
        lastLatencyNanos = latency;
        return latency;
    }

    private boolean idempotent() {
        HttpMethod m = method;
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
                || m == HttpMethod.DELETE;
    }

    private boolean mayRetryAfterSend() {
        return idempotent() && !hasBody && !upgrade && triedCount < maxAttempts && !clientGone;
    }

    /** Another backend not tried yet, or null when the retry limit is reached or none is left. */
    private Backend nextUntried() {
        if (triedCount >= maxAttempts) {
            return null;
        }
        // A picker may return a tried backend again (round robin wraps, hashing sticks): ask a few times.
        pickNanos = System.nanoTime();
        for (int i = 0; i < 2 + maxAttempts; i++) {
            PickResult r = selector.pick(this);
            if (!r.isBackend()) {
                return null;
            }
            Backend b = r.backend();
            if (!wasTried(b)) {
                return b;
            }
        }
        return null;
    }

    private void remember(Backend b) {
        if (triedCount == 0) {
            firstTried = b;
        } else {
            if (retried == null) {
                retried = new Backend[maxAttempts];
                retried[0] = firstTried;
            }
            retried[triedCount] = b;
        }
        triedCount++;
    }

    private boolean wasTried(Backend b) {
        if (retried == null) {
            return triedCount > 0 && firstTried.id().equals(b.id());
        }
        for (int j = 0; j < triedCount; j++) {
            if (retried[j].id().equals(b.id())) {
                return true;
            }
        }
        return false;
    }

    private void retry(Backend next) {
        route.metrics.retries().increment();
        attempt(next);
    }

    // ------------------------------------------------------------------ the request, client to backend

    /** A backend connection is ready for this request (called by the pool, maybe at once). */
    void onConnected(BackendConnection c) {
        if (clientGone || finished) {
            c.responseDone(true); // nothing was sent on it
            endAttempt(Outcome.IGNORED);
            return;
        }
        conn = c;
        loop.watch(c);
        Channel ch = c.channel;
        if (raw != null) {
            writeRawRequest(c);
            return;
        }
        if (hostless) {
            head.headers().set(HttpHeaderNames.HOST, c.pool.authority);
        }
        if (!hasBody) {
            // Head and end as one message: one pass through the pipeline and one buffer instead of two writes.
            // (A new holder per attempt: the encoder releases what it writes, and a retry writes the head again.)
            // Netty's request-line check is off for the holder only: method and target are the head's own, which
            // RequestChecks already held to stricter rules (a token; visible ASCII only) before anything was sent.
            ch.write(new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                    Unpooled.EMPTY_BUFFER, head.headers(), EmptyHttpHeaders.INSTANCE, false), ch.voidPromise());
        } else {
            ch.write(head, ch.voidPromise());
            bodySent = true;
            if (pendingBody != null) {
                HttpContent part;
                while ((part = pendingBody.pollFirst()) != null) {
                    ch.write(part, ch.voidPromise());
                }
            }
            if (expectContinue && !continueSent) {
                // Answered only now that a backend is connected, so a client never uploads into the void.
                continueSent = true;
                client.writeContinue();
            }
            if (!requestEnded) {
                client.setReading(ch.isWritable());
            }
        }
        loop.markDirty(ch);
    }

    /**
     * The byte path's counterpart of the writes above: the head's bytes (again on a retry, so: as today, only a
     * request without a body is sent twice, and a body only once), then the body parts that came before.
     */
    private void writeRawRequest(BackendConnection c) {
        Channel ch = c.channel;
        raw.writeTo(ch, hostless ? c.pool.authority : null);
        if (hasBody) {
            bodySent = true;
            if (pendingBody != null) {
                HttpContent part;
                while ((part = pendingBody.pollFirst()) != null) {
                    RawHead.writeBody(ch, part);
                }
            }
            if (!requestEnded) {
                client.setReading(ch.isWritable());
            }
        }
        loop.markDirty(ch);
    }

    void onConnectFailed(BackendConnection c, Throwable cause) {
        // Nothing was sent: any method may go to another backend.
        endAttempt(Outcome.FAILURE);
        if (clientGone || finished) {
            return;
        }
        Backend next = nextUntried();
        if (next != null) {
            retry(next);
        } else {
            respondError(503, "Could not connect to a backend of service '" + route.name + "' ("
                    + cause.getMessage() + "); retry later.", 1);
        }
    }

    /** A part of the client's request body (or the end of a body-less request). Takes ownership of it. */
    void onRequestContent(HttpContent part) {
        if (part instanceof LastHttpContent) {
            requestEnded = true;
        }
        if (!hasBody || finished || clientGone) {
            part.release();
            return;
        }
        BackendConnection c = conn;
        if (c == null || !bodySent) {
            if (pendingBody == null) {
                pendingBody = new ArrayDeque<>(4);
            }
            pendingBody.addLast(part);
            return;
        }
        Channel ch = c.channel;
        if (raw != null) {
            RawHead.writeBody(ch, part);
        } else {
            ch.write(part, ch.voidPromise());
        }
        loop.markDirty(ch);
        if (!ch.isWritable()) {
            client.setReading(false);
        }
    }

    void onBackendWritabilityChanged(boolean writable) {
        if (tunnel) {
            client.setReading(writable);
        } else if (!requestEnded && bodySent) {
            client.setReading(writable);
        }
    }

    // ------------------------------------------------------------------ the response, backend to client

    void onBackendHead(HttpResponse r) {
        if (r.decoderResult().isFailure()) {
            BackendConnection c = conn;
            c.detach();
            c.channel.close();
            onBackendClosed(c);
            return;
        }
        int status = r.status().code();
        if (status < 200 && !(status == 101 && upgrade)) {
            ignoringInterim = true; // 100 Continue and other interim answers: the client asked nothing of the kind
            return;
        }
        if ((status == 502 || status == 503) && mayRetryAfterSend()) {
            Backend next = nextUntried();
            if (next != null && route.retryBudget.tryRetry()) {
                endAttempt(Outcome.FAILURE);
                BackendConnection c = conn;
                conn = null;
                c.discardResponse(HttpUtil.isKeepAlive(r), false);
                retry(next);
                return;
            }
        }
        answered(status);
        if (status == 101) {
            startTunnel(r);
            return;
        }
        responseKeepAlive = ResponseHeads.prepare(r, method == HttpMethod.HEAD, client);
        pendingHead = r; // written with the first body part, or at the end of this read (writePendingHead)
    }

    /** Writes the response head if it is still held (the body did not begin in the read that brought it). */
    void writePendingHead() {
        HttpResponse h = pendingHead;
        if (h != null) {
            pendingHead = null;
            client.write(h);
        }
    }

    void onBackendContent(HttpContent part) {
        if (ignoringInterim) {
            part.release();
            if (part instanceof LastHttpContent) {
                ignoringInterim = false;
            }
            return;
        }
        if (finished || clientGone) {
            part.release();
            return;
        }
        bodyBytes += part.content().readableBytes();
        boolean last = part instanceof LastHttpContent;
        HttpResponse h = pendingHead;
        if (h != null && last) {
            // The whole response came in one read: one message to the client (the encoder copies a small body
            // into the head's buffer and releases the part's buffer with this holder).
            pendingHead = null;
            client.write(new DefaultFullHttpResponse(h.protocolVersion(), h.status(), part.content(), h.headers(),
                    ((LastHttpContent) part).trailingHeaders()));
        } else {
            writePendingHead();
            client.write(part);
        }
        if (last) {
            responseEnded();
        } else if (!client.channel().isWritable()) {
            conn.channel.config().setAutoRead(false);
        }
    }

    /** The final response began ({@code status}): it is the answer, whatever happens to its body. */
    private void answered(int status) {
        responded = true;
        responseStatus = status;
        responseOutcome = status >= 502 && status <= 504 ? Outcome.FAILURE : Outcome.SUCCESS;
    }

    /** The response's last byte went to the client: attempt, metrics, backend connection, next request. */
    private void responseEnded() {
        finished = true;
        meters.record(responseStatus, endAttempt(responseOutcome));
        BackendConnection c = conn;
        conn = null;
        // A request body the backend did not wait for leaves the connection in an unknown state: close it.
        c.responseDone(responseKeepAlive && (requestEnded || !hasBody));
        end(responseStatus);
    }

    // ------------------------------------------------------------------ the response as bytes (ResponseBytes)

    /**
     * Whether the response byte path may take a final response with {@code status} to this request: only an HTTP/1.1
     * client on an HTTP/1.1 connection (an HTTP/1.0 client needs its body re-framed, an HTTP/2 stream needs frames),
     * no WebSocket upgrade, and not a 502/503, which {@link #onBackendHead} may retry elsewhere (that rule stays on
     * the decoded path, as it is). Anything else goes to the decoder.
     */
    boolean takesResponseBytes(int status) {
        return status >= 200 && status != 502 && status != 503 && !upgrade && !client.http2 && !client.http10
                && !finished && !clientGone && !ignoringInterim && !tunnel && conn != null;
    }

    /**
     * The byte path took the final response ({@code status}; {@code backendKeepAlive}: the backend keeps its
     * connection after it). Returns whether the client's connection closes after it: its head then says
     * {@code Connection: close}, as {@link ResponseHeads#prepare} writes it.
     */
    boolean onBackendBytesHead(int status, boolean backendKeepAlive) {
        answered(status);
        responseKeepAlive = backendKeepAlive;
        return client.closesAfterResponse();
    }

    /**
     * Bytes of the response the byte path took (the head, body bytes, or both), for the client as they are; takes
     * ownership. {@code body}: how many of them are body bytes. {@code last}: the response ends with them, and
     * everything a decoded response's end does follows.
     */
    void onBackendBytes(ByteBuf bytes, int body, boolean last) {
        if (finished || clientGone) {
            bytes.release();
            return;
        }
        bodyBytes += body;
        client.writeBytes(bytes);
        if (last) {
            responseEnded();
        } else if (!client.channel().isWritable()) {
            conn.channel.config().setAutoRead(false);
        }
    }

    /** The client's channel can take more again: let the backend's response flow. */
    void onClientWritable() {
        BackendConnection c = conn;
        if (c != null && responded) {
            c.channel.config().setAutoRead(true);
        }
    }

    void onBackendClosed(BackendConnection c) {
        if (c != conn) {
            return;
        }
        conn = null;
        if (finished) {
            return;
        }
        if (tunnel) {
            endAttempt(Outcome.SUCCESS);
            finished = true;
            client.closeAfterFlush();
            end(101);
            return;
        }
        if (!responded) {
            if (c.reused && !bodySent && !staleRetried && !clientGone) {
                // A kept-alive connection the backend had closed meanwhile: once more on a fresh one.
                staleRetried = true;
                pool.acquireFresh(this);
                return;
            }
            endAttempt(Outcome.FAILURE);
            if (mayRetryAfterSend()) {
                Backend next = nextUntried();
                if (next != null && route.retryBudget.tryRetry()) {
                    retry(next);
                    return;
                }
            }
            respondError(502, "Backend " + backend.id() + " of service '" + route.name + "' closed the connection"
                    + " before answering.", 0);
            return;
        }
        // Broke off mid-body: the client must not take a truncated body as complete.
        writePendingHead();
        endAttempt(Outcome.FAILURE);
        finished = true;
        meters.record(responseStatus, System.nanoTime() - startNanos);
        client.abort();
        end(responseStatus);
    }

    void onBackendTimeout() {
        BackendConnection c = conn;
        conn = null;
        if (finished || c == null) {
            return;
        }
        endAttempt(Outcome.FAILURE);
        if (!responded) {
            respondError(504, "Backend " + backend.id() + " of service '" + route.name + "' did not answer within "
                    + route.settings.timeoutMillis() + " ms.", 0);
        } else {
            writePendingHead();
            finished = true;
            meters.record(responseStatus, System.nanoTime() - startNanos);
            client.abort();
            end(responseStatus);
        }
    }

    // ------------------------------------------------------------------ WebSocket tunnel

    private void startTunnel(HttpResponse r) {
        // A tunnel is no longer a request in flight (shutdown closes tunnels with a close frame instead), nor does it
        // hold a slot of its service.
        loop.requestEnded();
        route.admission.exit();
        loop.tunnelOpened(this);
        tunnel = true;
        meters.record(101, -1);
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        client.write(r);
        conn.startTunnel();
        client.startTunnel(this);
        client.setReading(true);
    }

    /** Raw bytes (or a stray HTTP content part right after the 101) from the backend. */
    void onTunnelBytes(Object msg) {
        if (finished || !tunnel) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf bytes = msg instanceof HttpContent c ? c.content() : (ByteBuf) msg;
        if (!bytes.isReadable()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        client.writeRaw(bytes);
        if (!client.channel().isWritable()) {
            conn.channel.config().setAutoRead(false);
        }
    }

    /** Raw bytes from the client of a tunnel. */
    void onClientTunnelBytes(ByteBuf bytes) {
        BackendConnection c = conn;
        if (c == null || finished) {
            bytes.release();
            return;
        }
        c.channel.write(bytes, c.channel.voidPromise());
        loop.markDirty(c.channel);
        if (!c.channel.isWritable()) {
            client.setReading(false);
        }
    }

    /** The backend side of the tunnel, for shutdown's close frames; null when gone. */
    Channel tunnelBackend() {
        BackendConnection c = conn;
        return tunnel && c != null ? c.channel : null;
    }

    /** Shutdown: close frames both ways, then the tunnel closes. */
    void closeTunnel() {
        client.closeTunnel();
    }

    // ------------------------------------------------------------------ endings

    void onClientClosed() {
        clientGone = true;
        if (finished) {
            return;
        }
        finished = true;
        if (!started) { // still waiting for a slot of its service
            releasePending();
            if (queuedStart != null) {
                queuedStart.cancel();
            }
            logged(CLIENT_LEFT);
            return;
        }
        BackendConnection c = conn;
        conn = null;
        if (c != null) {
            c.detach();
            c.channel.close(); // the backend sees the request cancelled
        } else if (pool != null) {
            pool.cancel(this);
        }
        endAttempt(tunnel ? Outcome.SUCCESS : Outcome.IGNORED);
        releasePending();
        countEnd();
        logged(tunnel ? 101 : CLIENT_LEFT);
    }

    /**
     * The client's request body stalled or crawled: the backend's side is cancelled (its connection closed, as for a
     * client that left) and the client gets 408 if nothing of the answer has gone out, else a cut.
     */
    void onClientTimedOut(String message) {
        if (finished) {
            return;
        }
        if (!started && queuedStart != null) {
            queuedStart.cancel();
        }
        BackendConnection c = conn;
        conn = null;
        if (c != null) {
            c.detach();
            c.channel.close();
        } else if (pool != null) {
            pool.cancel(this);
        }
        endAttempt(Outcome.IGNORED);
        respondError(408, message, 0);
    }

    private void countEnd() {
        if (!started) {
            return;
        }
        if (tunnel) {
            loop.tunnelClosed(this);
        } else {
            loop.requestEnded();
            route.admission.exit();
        }
    }

    /** An answer of the proxy's own; {@code retryAfter} > 0 adds Retry-After. After headers went out: cut. */
    private void respondError(int status, String message, long retryAfter) {
        finished = true;
        // the proxy's own answers (no backend, rate limit, a client too slow) count for no backend
        if (status == 503 || status == 429 || status == 408 || meters == null) {
            route.metrics.none().record(status, -1);
        } else {
            meters.record(status, -1);
        }
        releasePending();
        int given = status;
        if (responded) {
            given = responseStatus; // the client has this status's head and now sees the response cut
            writePendingHead();
            client.abort();
        } else {
            responded = true;
            // A body already (partly) sent upstream cannot be skipped safely: close rather than guess where it ends.
            bodyBytes = client.sendError(status, message, retryAfter, bodySent && !requestEnded);
        }
        end(given);
    }

    private void releasePending() {
        if (raw != null) {
            raw.release();
        }
        if (pendingBody != null) {
            HttpContent part;
            while ((part = pendingBody.pollFirst()) != null) {
                part.release();
            }
        }
    }

    /** The exchange is over; the client got {@code status} (the access log's line goes before the next request). */
    private void end(int status) {
        if (raw != null) {
            raw.release();
        }
        countEnd();
        logged(status);
        client.exchangeDone(this);
    }

    /** The access log's line for this request, when the log is on. */
    private void logged(int status) {
        AccessLog log = loop.accessLog;
        if (log != null) {
            client.logEnd(log, status, bodyBytes, route.name, backend, triedCount, lastLatencyNanos);
        }
    }

    static void setChunked(HttpHeaders h) {
        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
}
