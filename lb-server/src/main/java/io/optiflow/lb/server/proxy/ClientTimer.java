package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslHandler;
import io.optiflow.lb.server.config.ClientLimits;
import java.nio.charset.StandardCharsets;

/**
 * The client-side deadlines of one client connection, kept in ticks of its loop's coarse clock and checked by the
 * loop's sweep (no timer per connection):
 * <ul>
 *   <li>{@code HEAD}: a request head must arrive whole within {@code request-header-timeout} of its first byte (of
 *       the accept, on a new connection): else 408 and close. Slowloris.</li>
 *   <li>{@code BODY}: a request body may not fall silent for {@code request-body-idle-timeout}, nor average less
 *       than {@code request-body-min-rate} bytes/s over each such period: else 408 (or a cut, once the answer has
 *       begun). Slow POST.</li>
 *   <li>{@code IDLE}: a connection between requests is closed after {@code idle-timeout}.</li>
 *   <li>{@code BUSY}: the request is complete and its answer under way: the backend timeout governs.</li>
 *   <li>HTTP/2: the client must acknowledge the proxy's SETTINGS within {@code http2.settings-timeout}; a connection
 *       without open streams is {@code IDLE} (before its first stream, {@code HEAD}); a header block, once begun,
 *       must end within {@code request-header-timeout} whatever else the connection is doing (watched by
 *       {@link H2HeaderBlocks}): else GOAWAY and close.</li>
 * </ul>
 * As the first handler of a connection it sees every byte read; on a plain-text HTTP/1.1 connection it leaves the
 * pipeline once the protocol is known ({@link #leavePipeline}) and the request decoder, then the connection's
 * tunnel, count the bytes for it: nothing between the socket and the decoder changes them there, and every read
 * passes one handler less. An HTTP/2 stream has a timer of its own (not in a pipeline) for its body, fed by its
 * {@link ClientConnection}. All on the connection's event loop.
 */
final class ClientTimer extends ChannelInboundHandlerAdapter implements LoopContext.Timed {

    static final String NAME = "timer";
    private static final byte[] TIMEOUT_408 = ("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    enum Phase { HEAD, IDLE, BODY, BUSY }

    private final LoopContext loop;
    private final ClientLimits limits;
    private final ClientConnection stream; // set for an HTTP/2 stream's timer, null for a connection's
    private Channel channel;
    private ClientConnection http1;
    private Phase phase = Phase.HEAD;
    private long since;
    private long lastRead;
    private long windowStart;
    private long windowBytes;
    private boolean http2;
    /** The proxy stopped reading (back-pressure, a queued request): the client cannot be blamed for silence. */
    private boolean paused;
    private int openStreams;
    private boolean settingsAcked = true;
    private long settingsSent;
    /** An HTTP/2 header block has begun and not ended yet, since {@link #blockSince}. */
    private boolean blockOpen;
    private long blockSince;
    private int index = -1;
    /** Out of the pipeline, still swept: its bytes are counted by others, its connection's close stops it. */
    private boolean outsidePipeline;

    /** The timer of a connection accepted at the loop's current tick. */
    ClientTimer(LoopContext loop) {
        this(loop, null);
    }

    /** The timer of one HTTP/2 stream (its request head has arrived whole). */
    ClientTimer(LoopContext loop, ClientConnection stream) {
        this.loop = loop;
        this.limits = loop.plane.settings().limits();
        this.stream = stream;
        this.since = loop.tick;
        this.lastRead = loop.tick;
    }

    // ------------------------------------------------------------------ as a handler (connections)

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        loop.sweep(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        loop.unsweep(this);
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!outsidePipeline) {
            loop.unsweep(this);
        }
    }

    /**
     * Takes this timer out of its connection's pipeline and leaves it on the sweep: from now on whoever reads the
     * connection's bytes reports them ({@link #onBytes}) and its close ends the timer ({@link #stop}).
     */
    void leavePipeline() {
        outsidePipeline = true;
        channel.pipeline().remove(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            onBytes(b.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    // ------------------------------------------------------------------ what the connection reports

    /** The connection speaks HTTP/1.1 through {@code client}. */
    void http1(ClientConnection client) {
        this.http1 = client;
    }

    /** The connection speaks HTTP/2; the proxy's SETTINGS are on their way. */
    void http2() {
        http2 = true;
        settingsAcked = false;
        settingsSent = loop.tick;
    }

    void settingsAcknowledged() {
        settingsAcked = true;
    }

    /** A HEADERS, PUSH_PROMISE or CONTINUATION frame begins (a header block begins, or goes on). */
    void headerBlockStarted() {
        if (!blockOpen) {
            blockOpen = true;
            blockSince = loop.tick;
        }
    }

    /** The frame that ends a header block has arrived whole. */
    void headerBlockEnded() {
        blockOpen = false;
    }

    void streamOpened() {
        openStreams++;
        phase = Phase.BUSY;
    }

    void streamClosed() {
        if (--openStreams == 0) {
            phase = Phase.IDLE;
            since = loop.tick;
        }
    }

    /** Bytes arrived: a head may begin, a body moves on. */
    void onBytes(int n) {
        lastRead = loop.tick;
        if (phase == Phase.IDLE && !http2) {
            phase = Phase.HEAD;
            since = loop.tick;
        } else if (phase == Phase.BODY) {
            windowBytes += n;
        }
    }

    /** A request head arrived whole; {@code bodyFollows} when body parts are still to come. */
    void headReceived(boolean bodyFollows) {
        phase = bodyFollows ? Phase.BODY : Phase.BUSY;
        since = loop.tick;
        lastRead = loop.tick;
        windowStart = loop.tick;
        windowBytes = 0;
        if (stream != null && bodyFollows) {
            loop.sweep(this);
        }
    }

    /** The request body arrived whole. */
    void bodyReceived() {
        if (phase == Phase.BODY) {
            phase = Phase.BUSY;
        }
        if (stream != null) {
            loop.unsweep(this);
        }
    }

    /** The proxy stops (true) or resumes (false) reading from the client; body deadlines restart on resuming. */
    void readingPaused(boolean on) {
        if (paused && !on) {
            lastRead = loop.tick;
            windowStart = loop.tick;
            windowBytes = 0;
        }
        paused = on;
    }

    /** The answer is done and the connection waits for the next request. */
    void idle() {
        phase = Phase.IDLE;
        since = loop.tick;
    }

    /** A stream or a connection ended (its timer leaves the sweep). */
    void stop() {
        loop.unsweep(this);
    }

    // ------------------------------------------------------------------ the sweep

    @Override
    public void onSweep(long tick) {
        if (http2 && !settingsAcked
                && LoopContext.elapsedMillis(settingsSent, tick) >= limits.http2SettingsTimeoutMillis()) {
            goAway(Http2Error.SETTINGS_TIMEOUT);
            return;
        }
        if (blockOpen && LoopContext.elapsedMillis(blockSince, tick) >= limits.requestHeaderTimeoutMillis()) {
            goAway(Http2Error.NO_ERROR); // a header block dribbled in: the stream it opens is never processed
            return;
        }
        switch (phase) {
            case HEAD -> {
                if (LoopContext.elapsedMillis(since, tick) >= limits.requestHeaderTimeoutMillis()) {
                    headTimedOut();
                }
            }
            case IDLE -> {
                if (LoopContext.elapsedMillis(since, tick) >= limits.idleTimeoutMillis()) {
                    idleTimedOut();
                }
            }
            case BODY -> checkBody(tick);
            default -> {
            }
        }
    }

    private void checkBody(long tick) {
        if (paused) {
            return;
        }
        String why = null;
        if (LoopContext.elapsedMillis(lastRead, tick) >= limits.bodyIdleTimeoutMillis()) {
            why = "no byte of the request body for " + limits.bodyIdleTimeoutMillis() / 1000 + " s";
        } else if (LoopContext.elapsedMillis(windowStart, tick) >= limits.bodyIdleTimeoutMillis()) {
            long needed = (long) limits.bodyMinRate() * limits.bodyIdleTimeoutMillis() / 1000;
            if (windowBytes < needed) {
                why = "the request body came slower than " + limits.bodyMinRate() + " bytes/s";
            }
            windowStart = tick;
            windowBytes = 0;
        }
        if (why != null) {
            phase = Phase.BUSY;
            loop.unsweep(this);
            ClientConnection c = stream != null ? stream : http1;
            if (c != null) {
                c.bodyTimedOut("Request Timeout: " + why + ".");
            } else {
                channel.close();
            }
        }
    }

    private void headTimedOut() {
        loop.unsweep(this);
        if (http2) {
            goAway(Http2Error.NO_ERROR); // no stream opened in time
        } else if (http1 != null) {
            http1.reject(408, "Request Timeout: the request head did not arrive whole within "
                    + limits.requestHeaderTimeoutMillis() / 1000 + " s.");
            loop.flushDirty();
        } else {
            // Protocol not known yet (fewer bytes than the HTTP/2 preface): a plain answer, unless TLS is not
            // even through its handshake, where only closing makes sense.
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            boolean handshaking = channel.pipeline().get(SniHandler.class) != null
                    || (tls != null && !tls.handshakeFuture().isSuccess());
            if (handshaking) {
                channel.close();
            } else {
                channel.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT_408)).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private void idleTimedOut() {
        loop.unsweep(this);
        if (http2) {
            goAway(Http2Error.NO_ERROR);
        } else if (http1 != null) {
            http1.closeIdle();
        } else {
            channel.close();
        }
    }

    private void goAway(Http2Error error) {
        loop.unsweep(this);
        channel.writeAndFlush(new DefaultHttp2GoAwayFrame(error)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public int sweepIndex() {
        return index;
    }

    @Override
    public void sweepIndex(int i) {
        index = i;
    }
}
