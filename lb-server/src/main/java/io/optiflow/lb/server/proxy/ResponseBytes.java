package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The response side of the HTTP/1.1 byte path ({@code lb.proxy.byte-forwarding}): the first handler of a backend
 * connection's pipeline after TLS, in front of {@link BackendCodec}'s decoder. For each response it runs
 * {@link ResponseScan} over the received bytes and either <b>takes</b> the response (its head and body go to the
 * client as bytes, through {@link Exchange#onBackendBytes}) or hands the bytes, from the response's first byte on
 * and in order, to the decoder, which is then at its initial state and finishes that response the decoded way
 * (through {@link BackendConnection}, as with the setting off). The next response is scanned again once the decoder
 * is at rest ({@link BackendCodec.TrackedResponseDecoder#atRest}).
 *
 * <p><b>What it takes</b>: a final response (not 1xx, not 101) on HTTP/1.1 that the scanner accepts, framed by a
 * Content-Length or with no body (HEAD, 204, 304), to an exchange that {@link Exchange#takesResponseBytes} allows
 * (an HTTP/1.1 client on an HTTP/1.1 connection, no upgrade, not a 502/503 that may be retried). <b>Everything else
 * goes to the decoder</b>: chunked bodies (a chunk parser with its smuggling rules is not written yet), bodies to the
 * close, HTTP/1.0 responses (their version is rewritten, and a second Content-Length line on HTTP/1.0 is one the
 * decoder drops), HTTP/1.0 and HTTP/2 clients (their bodies are re-framed), interim and upgrade answers, retryable
 * statuses, heads the scanner refuses (the decoder then gives its own verdict, which the exchange turns into 502), and
 * bytes that come while no exchange waits.
 *
 * <p><b>What the client gets</b> is what {@link ResponseHeads#prepare} makes of the same head, written as bytes: the
 * status line as the backend sent it, the header lines as they came except those {@link ResponseScan#cut} names
 * (hop-by-hop, and the names Connection lists), {@code connection: close} (spelled as the decoded path writes it)
 * when the client's connection ends after this response, the blank line, then the body counted down from the
 * Content-Length. A head with nothing cut and
 * nothing added goes on as one retained slice of the received buffer (with the body bytes that came with it); else
 * it is copied into one new buffer with the kept lines, and body bytes of the same read up to
 * {@value #COPY_BODY_MAX} bytes are copied after it, so a small response is one buffer and one write, as on the
 * decoded path (a copy of a few hundred bytes costs less than the slice objects and writes it saves). Body bytes of
 * later reads go on as the read buffers themselves, or slices of them. They are written past the client's response
 * encoder ({@link ClientConnection#writeBytes}).
 *
 * <p>The response's end does what a decoded response's last part does ({@link Exchange#onBackendBytes} with
 * {@code last}). Back-pressure, the backend's silence watch and the client's timers are as on the decoded path:
 * each read counts as the backend's sign of life, and a client that cannot take more pauses this connection's reads.
 */
final class ResponseBytes extends ChannelInboundHandlerAdapter {

    static final String NAME = "response-bytes";

    /** Body bytes of the head's own read copied into the head's buffer at most (more goes as a slice). */
    static final int COPY_BODY_MAX = 2048;

    /** As the decoded path writes it (Netty's lower-case name): both paths answer alike, byte for byte. */
    private static final byte[] CONNECTION_CLOSE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);

    private final BackendConnection conn;
    private final BackendCodec.TrackedResponseDecoder decoder;
    private final ResponseScan scan;
    /** Per header line of the head being taken: whether it is left out. */
    private final boolean[] cut = new boolean[ResponseScan.MAX_LINES + 1];
    /** A head that has not ended yet (the bytes from its start). */
    private ByteBuf cumulation;
    /** The exchange whose response is being forwarded as bytes, or null. */
    private Exchange taker;
    private long bodyLeft;

    private ResponseBytes(BackendConnection conn, BackendCodec.TrackedResponseDecoder decoder, int maxInitialLine,
                          int maxHeaderSize) {
        this.conn = conn;
        this.decoder = decoder;
        this.scan = new ResponseScan(maxInitialLine, maxHeaderSize);
    }

    /** Adds this handler, then the backend codec, at the end of {@code p}. */
    static void addTo(ChannelPipeline p, BackendConnection conn, int maxInitialLine, int maxHeaderSize) {
        BackendCodec.TrackedResponseDecoder decoder = BackendCodec.addTracked(p, maxInitialLine, maxHeaderSize);
        p.addBefore(BackendCodec.DECODER, NAME, new ResponseBytes(conn, decoder, maxInitialLine, maxHeaderSize));
    }

    /** Takes this handler out, if it is there (a tunnel: raw bytes from now on). */
    static void removeFrom(ChannelPipeline p) {
        if (p.get(NAME) != null) {
            p.remove(NAME);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        conn.lastTick = conn.loop.tick;
        ByteBuf in = (ByteBuf) msg;
        if (cumulation != null) { // a head cut short by the last read: Netty's merge (it copies only when it must)
            in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
            cumulation = null;
        }
        while (in != null && in.isReadable()) {
            if (taker != null) {
                in = body(in);
            } else if (!decoder.atRest() || conn.exchange() == null) {
                toDecoder(ctx, in);
                return;
            } else {
                Exchange x = conn.exchange();
                int verdict = scan.scan(in, decoder.headRequestPending());
                if (verdict == ResponseScan.NEED_MORE) {
                    cumulation = in; // scanned again from its start when more comes
                    return;
                }
                if (verdict != 0 || scan.http10 || scan.code < 200
                        || (scan.framing != ResponseScan.LENGTH && scan.framing != ResponseScan.NO_BODY)
                        || !x.takesResponseBytes(scan.code)) {
                    toDecoder(ctx, in);
                    return;
                }
                in = take(ctx.alloc(), x, in);
            }
        }
        if (in != null) {
            in.release();
        }
    }

    private void toDecoder(ChannelHandlerContext ctx, ByteBuf in) {
        decoder.handed();
        ctx.fireChannelRead(in);
    }

    /** Writes the head (and the body bytes that came with it); returns what is left of {@code in}, or null. */
    private ByteBuf take(ByteBufAllocator alloc, Exchange x, ByteBuf in) {
        ResponseScan s = scan;
        decoder.finalResponseTaken(); // before the end: a next request may be written on this connection at once
        boolean close = x.onBackendBytesHead(s.code, s.keepAlive);
        long length = s.framing == ResponseScan.LENGTH ? s.contentLength : 0;
        int after = s.end;
        int now = (int) Math.min(length, in.writerIndex() - after);
        boolean cuts = false;
        for (int h = 0; h < s.count; h++) {
            boolean c = s.cut(h); // once per line: a line's cut looks through the Connection lines
            cut[h] = c;
            cuts |= c;
        }
        ByteBuf out;
        int taken; // body bytes in out
        if (!cuts && !close) {
            taken = now;
            out = in.retainedSlice(s.start, after + now - s.start);
        } else {
            taken = now <= COPY_BODY_MAX ? now : 0;
            out = alloc.buffer(after - s.start + CONNECTION_CLOSE.length + taken);
            // the kept lines from the scan's copy of the head (no per-call checks of the read buffer)
            byte[] head = s.a;
            int base = s.base;
            int run = s.start;
            for (int h = 0; h < s.count; h++) {
                if (cut[h]) {
                    int lineStart = s.nameStart(h);
                    out.writeBytes(head, run - base, lineStart - run);
                    run = h + 1 < s.count ? s.nameStart(h + 1) : after - 2;
                }
            }
            out.writeBytes(head, run - base, after - 2 - run);
            if (close) {
                out.writeBytes(CONNECTION_CLOSE);
            }
            out.writeBytes(head, after - 2 - base, 2); // the blank line
            if (taken > 0) {
                out.writeBytes(in, after, taken); // the body bytes copied (the scan's copy may not hold them)
            }
        }
        in.readerIndex(after + taken);
        bodyLeft = length - taken;
        if (bodyLeft == 0) {
            x.onBackendBytes(out, taken, true);
            return in;
        }
        taker = x;
        x.onBackendBytes(out, taken, false);
        return in;
    }

    /** Body bytes of the response taken; returns what is left of {@code in} after them, or null. */
    private ByteBuf body(ByteBuf in) {
        Exchange x = taker;
        int readable = in.readableBytes();
        int n = (int) Math.min(bodyLeft, readable);
        bodyLeft -= n;
        boolean last = bodyLeft == 0;
        if (last) {
            taker = null;
        }
        ByteBuf part;
        ByteBuf rest;
        if (n == readable) {
            part = in;
            rest = null;
        } else {
            part = in.readRetainedSlice(n);
            rest = in;
        }
        if (conn.exchange() != x) {
            part.release(); // the exchange let go of this connection (client gone, timeout): it is closing
        } else {
            x.onBackendBytes(part, n, last);
        }
        return rest;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ByteBuf c = cumulation;
        if (c != null) {
            cumulation = null;
            toDecoder(ctx, c); // a head cut short: the decoder sees what it would have seen, and judges it
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }
}
