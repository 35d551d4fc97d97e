package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One connection to a backend and the handler at the end of its pipeline: hands what the backend sends to the
 * exchange using the connection, watches the backend's silence (through its loop's coarse timer), and goes back
 * to its pool after a complete keep-alive response. After a 101 it carries raw bytes (a tunnel). With
 * {@code lb.proxy.byte-forwarding} on, {@link ResponseBytes} in front of the decoder hands the responses it takes to
 * the exchange itself; this handler sees the decoded ones.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter {

    final LoopContext loop;
    final BackendPool pool;
    final boolean pooled;
    Channel channel;
    private Exchange exchange;
    /** Whether the current request runs on a connection that carried an earlier one (it may be stale). */
    boolean reused;
    /** A response the exchange gave up on (retried elsewhere): read to its end, then back to the pool. */
    private boolean discarding;
    private boolean tunnel;
    private boolean closeReported;
    int busyIndex = -1;
    long lastTick;

    BackendConnection(LoopContext loop, BackendPool pool, boolean pooled) {
        this.loop = loop;
        this.pool = pool;
        this.pooled = pooled;
    }

    void bind(Channel ch) {
        this.channel = ch;
    }

    void attach(Exchange x, boolean reused) {
        this.exchange = x;
        this.reused = reused;
    }

    /** The exchange this connection serves now, or null. */
    Exchange exchange() {
        return exchange;
    }

    void detach() {
        exchange = null;
        loop.unwatch(this);
    }

    long timeoutMillis() {
        Exchange x = exchange;
        return x == null ? Long.MAX_VALUE : x.timeoutMillis();
    }

    void timedOut() {
        Exchange x = exchange;
        detach();
        channel.close();
        if (x != null) {
            x.onBackendTimeout();
        }
    }

    /** The response ended and the connection may be reused: back to the pool (or closed when not). */
    void responseDone(boolean keepAlive) {
        detach();
        if (keepAlive && pooled) {
            resumeReading();
            pool.release(this);
        } else {
            channel.close();
        }
    }

    /** The exchange drops this response (a retry goes elsewhere): read it to its end, then reuse the connection. */
    void discardResponse(boolean keepAlive, boolean ended) {
        detach();
        if (!keepAlive || !pooled) {
            channel.close();
        } else if (ended) {
            resumeReading();
            pool.release(this);
        } else {
            resumeReading();
            discarding = true;
            loop.watch(this);
        }
    }

    /**
     * Reads on again. A response paused for a slow client (auto-read off) can end within the same read, before the
     * client drains; pooled with reads still off, the connection would never read its next response (the request
     * waited for the timeout) nor notice the backend closing it.
     */
    private void resumeReading() {
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    /** From now on raw bytes both ways. */
    void startTunnel() {
        tunnel = true;
        loop.unwatch(this);
        ResponseBytes.removeFrom(channel.pipeline());
        BackendCodec.removeFrom(channel.pipeline()); // bytes already buffered go on to this handler as ByteBufs
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastTick = loop.tick;
        Exchange x = exchange;
        if (x == null) {
            if (discarding && msg instanceof LastHttpContent) {
                discarding = false;
                loop.unwatch(this);
                pool.release(this);
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        if (tunnel || msg instanceof ByteBuf) {
            x.onTunnelBytes(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            x.onBackendHead(r);
        }
        if (msg instanceof HttpContent c) {
            // The exchange may have moved on (a retry) while handling the head: then this content is not its own.
            if (exchange == x) {
                x.onBackendContent(c);
            } else {
                c.release();
                if (discarding && c instanceof LastHttpContent) {
                    discarding = false;
                    loop.unwatch(this);
                    pool.release(this);
                }
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Exchange x = exchange;
        if (x != null) {
            x.writePendingHead(); // a head whose body did not begin in this read goes out now
        }
        loop.flushAfterPass();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange x = exchange;
        if (x != null) {
            x.onBackendWritabilityChanged(channel.isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reportClosed();
        Exchange x = exchange;
        detach();
        if (x != null) {
            x.onBackendClosed(this);
        }
        loop.flushDirty();
    }

    void reportClosed() {
        if (!closeReported) {
            closeReported = true;
            pool.closed(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets, broken framing: the connection is useless; channelInactive tells the exchange.
        ctx.close();
    }
}
