package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.server.accesslog.AccessLog;
import io.optiflow.lb.server.accesslog.AccessRecord;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * One client connection (HTTP/1.1), or one stream of an HTTP/2 connection: keep-alive, pipelined requests (held
 * until the one before is answered), the proxy's own answers, and the hand-off of each checked request to routing.
 * Runs on one event loop; no synchronization.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {

    final LoopContext loop;
    final boolean http2;
    private final DataPlane plane;
    private final RequestChecks checks;
    private Channel ch;
    /** This connection's deadlines (HTTP/1.1: the connection's timer; HTTP/2: the stream's own). */
    private ClientTimer timer;
    /** HTTP/2: the timer of the connection the stream belongs to (it counts open streams). */
    private ClientTimer connectionTimer;
    /**
     * HTTP/1.1: the connection's timer is not in the pipeline (plain text: the decoder counts the bytes read for it);
     * this handler stops it at the close and, in a tunnel, counts the raw bytes for it.
     */
    private final boolean timerOutsidePipeline;
    /** In a tunnel with {@link #timerOutsidePipeline}: raw bytes read are counted here. */
    private boolean countsRawBytes;
    String peerIp = "unknown";
    boolean trustedPeer;
    /** Whether the client came over the HTTPS listener. */
    boolean tls;
    private String forwardedHost;
    private String forwardedValue;

    private Exchange current;
    private Exchange tunnel;
    private ArrayDeque<Object> queued;
    private boolean discardingBody;
    private boolean closing;
    private boolean keepAlive = true;
    boolean http10;
    private boolean closeAfterResponse;
    private boolean reading = true;
    /** HTTP/2: this stream's request head came (a stream carries one request). */
    private boolean headSeen;
    /** The byte path's handler in front of the decoder, until it hands over to the decoded path (or null). */
    private HeadForwarder byteForwarder;
    /** Where {@link #writeBytes} writes from: the response encoder's context (found once). */
    private ChannelHandlerContext bytesOut;
    /**
     * The access log's record of the request in progress, begun when its head came ({@link #logBegin}) and handed
     * to the log when it ends ({@link #logEnd}); always null when the log is off.
     */
    private AccessRecord logRecord;
    /** The request in progress is a HEAD: the proxy's own answer to it carries no body (set when its head is taken). */
    private boolean headRequest;

    /**
     * @param timer                HTTP/1.1: the connection's timer (null: none, as in tests, or an HTTP/2 stream)
     * @param timerOutsidePipeline whether {@code timer} left the pipeline (plain text; the decoder counts for it)
     */
    ClientConnection(LoopContext loop, DataPlane plane, boolean http2, ClientTimer timer,
                     boolean timerOutsidePipeline) {
        this.loop = loop;
        this.plane = plane;
        this.http2 = http2;
        this.timer = timer;
        this.timerOutsidePipeline = timerOutsidePipeline;
        this.checks = new RequestChecks(plane.settings().maxHeaderCount());
    }

    Channel channel() {
        return ch;
    }

    /** The byte path's handler of this connection; null once it handed over to the decoded path. */
    void byteForwarder(HeadForwarder f) {
        this.byteForwarder = f;
    }

    /** The byte path: whether a request head handed on now would be dispatched at once (nothing is in progress). */
    boolean readyForHead() {
        return current == null && tunnel == null && !closing && (queued == null || queued.isEmpty());
    }

    boolean isClosing() {
        return closing;
    }

    /** The request in progress is done: heads the byte path holds go on (after the decoded queue's, of which none). */
    private void resumeBytes() {
        HeadForwarder f = byteForwarder;
        if (f != null) {
            f.resume();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (ch == null) { // once: an HTTP/2 stream's handler is added to an active channel, then told it is active
            init(ctx);
        }
        super.channelActive(ctx);
    }

    private void init(ChannelHandlerContext ctx) {
        ch = ctx.channel();
        SocketAddress remote = http2 && ch.parent() != null ? ch.parent().remoteAddress() : ch.remoteAddress();
        if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
            peerIp = a.getAddress().getHostAddress();
            trustedPeer = plane.isTrusted(a.getAddress().getAddress());
        }
        tls = (http2 && ch.parent() != null ? ch.parent() : ch).pipeline().get(SslHandler.class) != null;
        if (http2) {
            timer = new ClientTimer(loop, this);
            connectionTimer = ch.parent() == null ? null : ch.parent().pipeline().get(ClientTimer.class);
            if (connectionTimer != null) {
                connectionTimer.streamOpened();
            }
        } else {
            if (timer == null) { // a pipeline built without one (tests): deadlines of its own, never swept
                timer = new ClientTimer(loop, this);
            }
            timer.http1(this);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ch == null) {
            init(ctx);
        }
    }

    /** The Forwarded element of this peer for {@code host}; cached, as a connection's requests share their host. */
    String forwardedFor(String host) {
        if (forwardedValue == null || !java.util.Objects.equals(host, forwardedHost)) {
            forwardedHost = host;
            forwardedValue = "for=" + (peerIp.indexOf(':') >= 0 ? "\"[" + peerIp + "]\"" : peerIp)
                    + (host != null ? ";host=\"" + host + "\"" : "") + (tls ? ";proto=https" : ";proto=http");
        }
        return forwardedValue;
    }

    // ------------------------------------------------------------------ inbound

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        onRead(msg);
    }

    /**
     * What the pipeline reads, and what the byte path's {@link HeadForwarder} hands on: it calls this directly rather
     * than through the decoder's context, which would only pass its heads and body parts on (two handler hops less
     * per request).
     */
    void onRead(Object msg) {
        if (countsRawBytes && msg instanceof ByteBuf b) {
            timer.onBytes(b.readableBytes()); // as the timer did in the pipeline, whatever happens to them here
        }
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (tunnel != null) {
            onTunnelRead(msg);
            return;
        }
        if (http2 && msg instanceof HttpRequest && headSeen) {
            // HEADERS again on a stream whose request ended (RFC 9113 5.1: half-closed (remote)); the codec passes it
            ReferenceCountUtil.release(msg);
            resetStream(Http2Error.STREAM_CLOSED);
            return;
        }
        if (http2 && msg instanceof HttpContent c) {
            timer.onBytes(c.content().readableBytes()); // HTTP/1.1 bytes are counted before the decoder
        }
        if (queued != null && !queued.isEmpty()) {
            queued.addLast(msg);
            return;
        }
        dispatch(msg);
    }

    private void onTunnelRead(Object msg) {
        if (msg instanceof ByteBuf b) {
            tunnel.onClientTunnelBytes(b);
        } else if (msg instanceof HttpContent c) {
            tunnel.onClientTunnelBytes(c.content());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void dispatch(Object msg) {
        if (discardingBody) {
            if (msg instanceof HttpContent c) {
                c.release();
                if (c instanceof LastHttpContent) {
                    discardingBody = false;
                    timer.bodyReceived();
                    if (current == null) {
                        timer.idle();
                    }
                }
                return;
            }
            discardingBody = false;
        }
        Exchange x = current;
        if (x == null) {
            if (msg instanceof HttpRequest req) {
                onRequestHead(req);
            } else if (msg instanceof RawHead raw) {
                onRawHead(raw);
            } else {
                ReferenceCountUtil.release(msg);
                if (http2 && !headSeen) {
                    // HEADERS without :method (the codec reads them as trailers): RFC 9113 8.3.1, malformed
                    resetStream(Http2Error.PROTOCOL_ERROR);
                }
            }
            return;
        }
        if (!x.requestEnded() && msg instanceof HttpContent c) {
            if (c instanceof LastHttpContent) {
                timer.bodyReceived();
            }
            x.onRequestContent(c);
            return;
        }
        // A pipelined request: it waits for the answer to the one before.
        if (queued == null) {
            queued = new ArrayDeque<>(4);
        }
        queued.addLast(msg);
        setReading(false);
    }

    private void onRequestHead(HttpRequest req) {
        headSeen = true;
        if (loop.accessLog != null) {
            logBegin(req);
        }
        if (req.decoderResult().isFailure()) {
            ReferenceCountUtil.release(req);
            Throwable cause = req.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                reject(414, "URI Too Long: the request line is longer than "
                        + plane.settings().maxInitialLineLength() + " bytes.");
            } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                reject(431, "Request Header Fields Too Large: more than " + plane.settings().maxHeaderSize()
                        + " bytes of headers.");
            } else {
                reject(400, "Bad Request: " + cause.getMessage());
            }
            return;
        }
        if (http2 && !req.headers().contains(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text())) {
            logRecord = null; // reset, not answered: no line
            ReferenceCountUtil.release(req);
            resetStream(Http2Error.PROTOCOL_ERROR); // RFC 9113 8.3.1: a request without :scheme is malformed
            return;
        }
        int status = checks.check(req, http2);
        if (status != 0) {
            ReferenceCountUtil.release(req);
            reject(status, checks.message);
            return;
        }
        timer.headReceived(!(req instanceof LastHttpContent) && (http2 || checks.hasBody));
        http10 = req.protocolVersion() == HttpVersion.HTTP_1_0;
        keepAlive = http2 || Headers.keepAlive(req.protocolVersion(), checks.connection);
        closeAfterResponse = !keepAlive || plane.isDraining();
        headRequest = req.method() == HttpMethod.HEAD;
        HttpRequest head = req;
        LastHttpContent body = null;
        if (req instanceof FullHttpRequest full) {
            // An HTTP/2 stream that ended with its headers: the head is written to the backend (maybe more than
            // once, on a retry) apart from its reference-counted content.
            head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            body = new DefaultLastHttpContent(full.content());
        }
        plane.router().route(this, head, checks);
        if (body != null) {
            Exchange x = current;
            if (x != null) {
                x.onRequestContent(body);
            } else {
                body.release();
            }
        }
    }

    /** A head the byte path took (HTTP/1.1, checked by HeadScan as {@link RequestChecks} checks a decoded one). */
    private void onRawHead(RawHead raw) {
        headSeen = true;
        if (loop.accessLog != null) {
            logRecord = new AccessRecord(System.nanoTime(), peerIp, raw.method.name(), raw.target,
                    raw.http10 ? HTTP_1_0 : HTTP_1_1);
        }
        timer.headReceived(raw.hasBody);
        http10 = raw.http10;
        keepAlive = raw.keepAlive;
        closeAfterResponse = !keepAlive || plane.isDraining();
        headRequest = raw.method == HttpMethod.HEAD;
        plane.router().route(this, raw);
    }

    // ------------------------------------------------------------------ access log (only called when it is on)

    private static final String HTTP_1_0 = "HTTP/1.0";
    private static final String HTTP_1_1 = "HTTP/1.1";
    private static final String HTTP_2 = "HTTP/2";

    /** The decoded head came: its record begins (method and target unknown when the request line was unreadable). */
    private void logBegin(HttpRequest req) {
        // Netty's decoder stands in a DefaultFullHttpRequest "GET /bad-request" for a request line it could not read;
        // a head whose line it read is a plain DefaultHttpRequest (HTTP/2 streams always give full requests).
        boolean lineRead = http2 || !(req.decoderResult().isFailure() && req instanceof FullHttpRequest);
        String protocol = http2 ? HTTP_2 : req.protocolVersion() == HttpVersion.HTTP_1_0 ? HTTP_1_0 : HTTP_1_1;
        logRecord = new AccessRecord(System.nanoTime(), peerIp, lineRead ? req.method().name() : null,
                lineRead ? req.uri() : null, lineRead ? protocol : null);
    }

    /**
     * The request in progress ended with {@code status} (given to the client, or 499 when the client left first):
     * its record goes to the access log, once.
     *
     * @param bytes        response body bytes handed to this connection (the head not counted)
     * @param service      the service that took it, or null
     * @param backend      the last backend tried, or null
     * @param backendNanos the last attempt's latency as its strategy saw it, or negative when no attempt ended
     */
    void logEnd(AccessLog log, int status, long bytes, String service, Backend backend, int attempts,
                long backendNanos) {
        AccessRecord r = logRecord;
        if (r == null) {
            return;
        }
        logRecord = null;
        r.end(System.nanoTime(), status, bytes, service, backend == null ? null : backend.id(), attempts,
                backendNanos);
        log.offer(r);
    }

    /**
     * An answer of the proxy's own before any exchange (refused, no service, rate limited), logged before it is
     * written: a write that flushes and closes may reach the client before a clock read after it.
     */
    private void logAnswer(int status, String service, String message, boolean noBody) {
        AccessLog log = loop.accessLog;
        if (log != null) {
            logEnd(log, status, errorBodyBytes(message, noBody), service, null, 0, -1);
        }
    }

    /**
     * Starts {@code x} when its service has a slot free (and nobody waits for one), else queues it (body parts that
     * arrive meanwhile wait in the exchange; reading pauses); a full queue is answered 503 at once.
     */
    void startExchange(Exchange x, Admission admission) {
        current = x;
        if (admission.queued() == 0 && admission.tryEnter()) {
            x.start();
            return;
        }
        QueuedStart q = new QueuedStart(x, this, admission);
        x.queued(q);
        setReading(false);
        if (!q.enqueue()) {
            x.refuse(503, "Service '" + x.serviceName() + "' is at its limit of requests in flight and of"
                    + " requests waiting; retry later.", 1);
        }
    }

    /** A queued exchange got its slot (on this loop). */
    void startAdmitted(Exchange x) {
        if (x.endedUnstarted() || current != x) {
            x.startAbandoned();
            return;
        }
        x.start();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        onReadComplete();
    }

    /** The end of a read cycle (also called by {@link HeadForwarder} directly): what it wrote goes out. */
    void onReadComplete() {
        if (http2) {
            loop.flushDirty(); // an HTTP/2 stream's read cycle ends inside its connection's: see LoopContext
            return;
        }
        loop.flushAfterPass();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ch.isWritable()) {
            Exchange x = tunnel != null ? tunnel : current;
            if (x != null) {
                x.onClientWritable();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (http2) {
            timer.stop();
            if (connectionTimer != null) {
                connectionTimer.streamClosed();
            }
        } else if (timerOutsidePipeline) {
            timer.stop(); // what the timer's own channelInactive did in the pipeline
        }
        closing = true;
        releaseQueued();
        Exchange x = tunnel != null ? tunnel : current;
        current = null;
        tunnel = null;
        if (x != null) {
            x.onClientClosed();
        }
        loop.flushDirty();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (http2 && !closing && ch != null) {
            // A stream error (a frame in the wrong state, a content-length the DATA does not match, a request the
            // codec cannot convert): the client must get RST_STREAM with its code. A plain close would say nothing
            // for a stream whose request had ended (the stream channel only cancels streams still open).
            Http2Exception e = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
            resetStream(e != null ? e.error() : cause instanceof DecoderException ? Http2Error.PROTOCOL_ERROR
                    : Http2Error.INTERNAL_ERROR);
            return;
        }
        ctx.close(); // resets and the like: channelInactive ends what is open
    }

    /** HTTP/2: ends this stream with RST_STREAM and {@code code}, then closes its channel. */
    private void resetStream(Http2Error code) {
        closing = true;
        releaseQueued();
        ch.writeAndFlush(new DefaultHttp2ResetFrame(code)).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseQueued() {
        if (queued != null) {
            Object m;
            while ((m = queued.pollFirst()) != null) {
                ReferenceCountUtil.release(m);
            }
        }
    }

    /** Client reads on or off (back-pressure, and while a request waits for its backend connection). */
    void setReading(boolean on) {
        if (on != reading) {
            reading = on;
            ch.config().setAutoRead(on);
            timer.readingPaused(!on);
        }
    }

    // ------------------------------------------------------------------ outbound

    void write(HttpObject msg) {
        ch.write(msg, ch.voidPromise());
        loop.markDirty(ch);
    }

    void writeRaw(ByteBuf bytes) {
        ch.write(bytes, ch.voidPromise());
        loop.markDirty(ch);
    }

    /**
     * Bytes of a response the byte path forwards ({@link ResponseBytes}): written from the response encoder's place in
     * the pipeline onwards, so they pass through TLS but not through the encoder, which stays at its initial state for
     * the decoded responses and the proxy's own answers (Netty's encoder refuses a ByteBuf before a head).
     */
    void writeBytes(ByteBuf bytes) {
        ChannelHandlerContext out = bytesOut;
        if (out == null || out.isRemoved()) {
            out = bytesOut = ch.pipeline().context(DataPlane.ENCODER);
        }
        if (out != null) {
            out.write(bytes, out.voidPromise());
        } else {
            ch.write(bytes, ch.voidPromise());
        }
        loop.markDirty(ch);
    }

    void writeContinue() {
        ch.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                Unpooled.EMPTY_BUFFER), ch.voidPromise());
    }

    void closeAfterResponse() {
        closeAfterResponse = true;
    }

    boolean closesAfterResponse() {
        return closeAfterResponse || plane.isDraining();
    }

    /** The exchange ended (answered, or failed): next request, or close. */
    void exchangeDone(Exchange x) {
        if (current != x) {
            return;
        }
        current = null;
        if (!x.requestEnded()) {
            discardingBody = true; // answered before the whole body came: skip the rest of it
        }
        if (http2) {
            return;
        }
        if (closesAfterResponse()) {
            closeAfterFlush();
            return;
        }
        drainQueued();
        resumeBytes();
        if (current == null && (queued == null || queued.isEmpty())) {
            setReading(true);
        }
        if (current == null && !discardingBody) {
            timer.idle();
        }
    }

    private void drainQueued() {
        while (queued != null && !queued.isEmpty() && !closing && tunnel == null) {
            Object m = queued.peekFirst();
            Exchange x = current;
            if (x != null && (x.requestEnded() || !(m instanceof HttpContent))) {
                return;
            }
            queued.pollFirst();
            dispatch(m);
        }
    }

    /** Ends the connection once what was written has left (a response that must be the last one). */
    void closeAfterFlush() {
        closing = true;
        releaseQueued();
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Cuts the connection (a response broke off: the client must see it incomplete). */
    void abort() {
        closing = true;
        releaseQueued();
        loop.flushDirty();
        ch.close();
    }

    /** A malformed request: answer and close, so nothing after it on the connection is read as a request. */
    void reject(int status, String message) {
        // with a body even to a HEAD: the head may not have been read, and the connection closes after it anyway
        logAnswer(status, null, message, false);
        sendError(status, message, 0, true, false);
        closing = true;
        releaseQueued();
    }

    /**
     * An answer of the proxy's own before any exchange (404, 429): the connection goes on.
     *
     * @param service the service the request was routed to (for the access log), or null
     */
    void answer(int status, String message, long retryAfter, boolean requestEnded, String service) {
        logAnswer(status, service, message, headRequest);
        sendError(status, message, retryAfter, false);
        if (!requestEnded) {
            discardingBody = true;
        }
        if (http2 || closesAfterResponse()) {
            if (!http2) {
                closing = true;
                releaseQueued();
            }
            return;
        }
        drainQueued();
        resumeBytes();
        if (current == null && !discardingBody) {
            timer.idle();
        }
    }

    /**
     * Writes an answer of the proxy's own to the request in progress: {@code message} as a plain-text body, or, to a
     * HEAD, no body (with the Content-Length a GET's would have); returns the body bytes written.
     */
    int sendError(int status, String message, long retryAfterSeconds, boolean close) {
        return sendError(status, message, retryAfterSeconds, close, headRequest);
    }

    private int sendError(int status, String message, long retryAfterSeconds, boolean close, boolean noBody) {
        ByteBuf text = ByteBufUtil.writeUtf8(ch.alloc(), message + "\n");
        int length = text.readableBytes();
        ByteBuf body = text;
        if (noBody) { // the response encoder does not know the request: it would write the body after the head
            text.release();
            body = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                body);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        if (retryAfterSeconds > 0) {
            resp.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        boolean closeNow = !http2 && (close || closesAfterResponse());
        if (closeNow) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (closeNow) {
            closing = true;
            ch.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.write(resp, ch.voidPromise());
            loop.markDirty(ch);
        }
        return noBody ? 0 : length;
    }

    /** The body bytes {@link #sendError} writes for {@code message}: the message and a newline, or none. */
    private static int errorBodyBytes(String message, boolean noBody) {
        return noBody ? 0 : ByteBufUtil.utf8Bytes(message) + 1;
    }

    // ------------------------------------------------------------------ tunnels and shutdown

    /** The 101 went out: from now on bytes pass both ways untouched. */
    void startTunnel(Exchange x) {
        tunnel = x;
        current = null;
        ch.pipeline().remove(DataPlane.ENCODER);
        ch.pipeline().remove(DataPlane.DECODER); // bytes it still holds go on to channelRead as ByteBufs
        countsRawBytes = timerOutsidePipeline; // from now on (what the decoder held was counted on arrival)
    }

    /** Shutdown: an idle connection closes now, a busy one after its response (with Connection: close). */
    void drain() {
        if (closing || tunnel != null) {
            return;
        }
        if (!closeIdle()) {
            closeAfterResponse = true;
        }
    }

    /** Closes the connection if no request is in progress on it (idle timeout); whether it did. */
    boolean closeIdle() {
        if (closing || tunnel != null || current != null || discardingBody) {
            return false;
        }
        closing = true;
        releaseQueued();
        ch.close();
        return true;
    }

    /**
     * The request body stalled or crawled (slow POST): 408 if the answer has not begun, else cut; then closed (an
     * HTTP/2 stream is reset after its 408: otherwise it would stay half-open, and its connection busy, for good).
     */
    void bodyTimedOut(String message) {
        Exchange x = current;
        if (x != null) {
            closeAfterResponse = true;
            x.onClientTimedOut(message);
            if (http2) {
                abort(); // the 408 goes out first, then RST_STREAM
                return;
            }
        } else {
            abort(); // the answer went out before the body ended; the rest of it never came
        }
        loop.flushDirty();
    }

    /** Shutdown: a tunnel gets a WebSocket close frame (1001, going away) both ways, then closes. */
    void closeTunnel() {
        Exchange x = tunnel;
        if (x == null) {
            return;
        }
        Channel backend = x.tunnelBackend();
        if (backend != null) {
            backend.writeAndFlush(WebSocketClose.maskedGoingAway()).addListener(ChannelFutureListener.CLOSE);
        }
        closing = true;
        ch.writeAndFlush(WebSocketClose.goingAway()).addListener(ChannelFutureListener.CLOSE);
    }

    boolean isIdle() {
        return current == null && tunnel == null;
    }
}
