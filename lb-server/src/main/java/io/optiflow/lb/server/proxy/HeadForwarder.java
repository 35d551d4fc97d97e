package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.optiflow.lb.server.config.ProxySettings;

/**
 * The request side of the HTTP/1.1 byte path ({@code lb.proxy.byte-forwarding}): in front of the {@link RequestDecoder}
 * of a client connection, it gathers the bytes read, scans each request head in place ({@link HeadScan}) and hands
 * the heads it takes to {@link ClientConnection} as {@link RawHead}s, their Content-Length bodies as slices of what
 * was read ({@code HttpContent} parts, the last one a {@code LastHttpContent}; a body-less request is followed by the
 * empty last part, as the decoder does it). Everything after that (routing, admission, rate limits, the exchange,
 * retries, metrics, keep-alive, draining) is the decoded path's own code.
 *
 * <p>It takes a head that HeadScan accepts and that has no chunked body, no {@code Expect} and no {@code Upgrade}.
 * Anything else (those, any head HeadScan refuses, a head that grows past the limits without ending) switches the
 * connection to the decoded path <b>for good</b>: the decoder joins the pipeline behind this handler (until then the
 * connection holds none: it would get no byte), the bytes gathered go to it in the order they came, this handler
 * leaves the pipeline, and the decoder counts the bytes for the connection's timer from then on. The decoded
 * path then answers refusals itself (HeadScan's agreement test: the same statuses), so the proxy's answers stay in
 * one place.
 *
 * <p>Order of pipelined requests: a head is handed on only while no request is in progress on the connection
 * ({@link ClientConnection#readyForHead}); until then the bytes wait here and reading pauses (as the connection's own
 * queue pauses it), and the connection calls {@link #resume} when its request is done. So the switch also happens only
 * between requests, after every byte-path request before it was answered.
 *
 * <p>On a plain-text connection this handler counts the bytes read for the connection's {@link ClientTimer} (the
 * decoder does when this handler is not there); over TLS the timer counts them itself, first in the pipeline.
 */
final class HeadForwarder extends ChannelInboundHandlerAdapter {

    static final String NAME = "head-forwarder";

    private final ClientConnection client;
    /** The decoder's limits: it joins the pipeline only at {@link #handOver}, so an idle connection holds none. */
    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    /** The timer this handler counts the bytes read for, or null (it counts them itself, in the pipeline). */
    private final ClientTimer timer;
    private final HeadScan scan;
    /** A head longer than this without an end is the decoder's to judge (HeadScan answers 414/431 well before). */
    private final int maxHead;
    private ChannelHandlerContext ctx;
    private ByteBuf cumulation;
    /** Body bytes of the current request still to come. */
    private long bodyLeft;
    private boolean processing;
    private boolean handedOver;

    HeadForwarder(ClientConnection client, ClientTimer timer, ProxySettings settings) {
        this.client = client;
        this.maxInitialLineLength = settings.maxInitialLineLength();
        this.maxHeaderSize = settings.maxHeaderSize();
        this.timer = timer;
        this.scan = new HeadScan(settings.maxInitialLineLength(), settings.maxHeaderSize(),
                settings.maxHeaderCount());
        this.maxHead = settings.maxInitialLineLength() + settings.maxHeaderSize() + 4096;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (timer != null) {
            timer.onBytes(in.readableBytes());
        }
        if (cumulation == null) {
            cumulation = in;
        } else {
            cumulation = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        }
        process();
    }

    /** The connection's request is done: heads waiting here go on (called by the connection; may re-enter). */
    void resume() {
        process();
    }

    private void process() {
        if (processing || handedOver) {
            return; // the loop below, further up the stack, goes on by itself
        }
        processing = true;
        try {
            while (cumulation != null && cumulation.isReadable() && !handedOver) {
                if (bodyLeft > 0) {
                    forwardBody();
                } else if (!nextHead()) {
                    break;
                }
            }
        } finally {
            processing = false;
        }
        ByteBuf c = cumulation;
        if (c != null && !handedOver) {
            if (!c.isReadable()) {
                cumulation = null;
                c.release();
            } else if (c.refCnt() == 1) {
                c.discardSomeReadBytes(); // no body slice of it is still on its way
            }
        }
    }

    /** Handles the head at the reader index, if it may be handled now; whether to go on. */
    private boolean nextHead() {
        if (!client.readyForHead()) {
            if (client.isClosing()) {
                cumulation.release(); // nothing more is read on this connection
                cumulation = null;
            } else {
                client.setReading(false); // pipelined: waits for the request in progress
            }
            return false;
        }
        int status = scan.scan(cumulation);
        if (status == HeadLines.NEED_MORE) {
            if (cumulation.readableBytes() > maxHead) {
                handOver();
            }
            return false;
        }
        if (status != 0 || scan.chunked || scan.expectContinue || (scan.found & RequestChecks.UPGRADE) != 0) {
            handOver();
            return false;
        }
        int end = scan.end;
        RawHead head = new RawHead(scan);
        bodyLeft = scan.hasBody ? scan.contentLength : 0;
        try {
            toClient(head); // dispatched now: readyForHead
        } finally {
            head.scan = null;
        }
        if (cumulation == null) {
            return false; // the connection closed meanwhile
        }
        cumulation.readerIndex(end);
        if (bodyLeft == 0) {
            toClient(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        return true;
    }

    /**
     * Hands a head or body part straight to the connection: the decoder between them would only pass it on. A failure
     * goes down the pipeline to the connection's {@code exceptionCaught}, as it did through the decoder's context
     * (also when {@link #resume} runs in another channel's event).
     */
    private void toClient(Object msg) {
        try {
            client.onRead(msg);
        } catch (Throwable t) {
            ctx.fireExceptionCaught(t);
        }
    }

    private void forwardBody() {
        int n = (int) Math.min(bodyLeft, cumulation.readableBytes());
        ByteBuf part = cumulation.readRetainedSlice(n);
        bodyLeft -= n;
        toClient(bodyLeft == 0 ? new DefaultLastHttpContent(part) : new DefaultHttpContent(part));
    }

    /** To the decoded path for good: the bytes gathered go to the decoder, in order; this handler leaves. */
    private void handOver() {
        handedOver = true;
        client.byteForwarder(null);
        ByteBuf rest = cumulation;
        cumulation = null;
        RequestDecoder decoder = new RequestDecoder(maxInitialLineLength, maxHeaderSize, null);
        ctx.pipeline().addAfter(NAME, DataPlane.DECODER, decoder);
        ctx.pipeline().remove(this);
        if (rest != null) {
            ctx.fireChannelRead(rest); // the removed context still leads to the decoder
        }
        decoder.countFor(timer); // bytes read from now on (those above were counted on arrival)
    }

    /**
     * Straight to the connection: while this handler is in the pipeline there is no decoder behind it (one given no
     * bytes would only pass the event on: it asks for a read only after reading bytes of its own, and holds none to
     * discard). After {@link #handOver} this handler is out of the pipeline.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        try {
            client.onReadComplete();
        } catch (Throwable t) {
            ctx.fireExceptionCaught(t);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseCumulation();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseCumulation();
    }

    private void releaseCumulation() {
        ByteBuf c = cumulation;
        if (c != null) {
            cumulation = null;
            c.release();
        }
    }
}
