package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Watches an HTTP/2 connection's frame boundaries, just before the codec, for header blocks in progress: from the
 * first byte of a HEADERS or PUSH_PROMISE frame up to the end of the frame that carries END_HEADERS (the block may
 * go on in CONTINUATION frames). Netty's codec delivers a header block only whole, so a client dribbling one, beside
 * a stream that keeps the connection busy, would otherwise be bounded by the header-size limit alone; the
 * {@link ClientTimer} gives the block {@code request-header-timeout}. Reads nothing itself: frame headers are
 * looked at in place (9 bytes per frame), payloads skipped.
 */
final class H2HeaderBlocks extends ChannelInboundHandlerAdapter {

    static final String NAME = "h2-header-blocks";
    private static final int FRAME_HEADER = 9;
    private static final int HEADERS = 0x1;
    private static final int PUSH_PROMISE = 0x5;
    private static final int CONTINUATION = 0x9;
    private static final int END_HEADERS = 0x4;

    private final ClientTimer timer;
    /** The client connection preface ({@code PRI * HTTP/2.0...}, 24 bytes) comes before the first frame. */
    private int prefaceLeft = 24;
    private final byte[] header = new byte[FRAME_HEADER];
    private int headerFill;
    private long payloadLeft;
    /** The frame being read ends a header block. */
    private boolean endsBlock;

    H2HeaderBlocks(ClientTimer timer) {
        this.timer = timer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            scan(b, b.readerIndex(), b.writerIndex());
        }
        ctx.fireChannelRead(msg);
    }

    private void scan(ByteBuf b, int from, int to) {
        int i = from;
        while (i < to) {
            if (prefaceLeft > 0) {
                int n = Math.min(prefaceLeft, to - i);
                prefaceLeft -= n;
                i += n;
            } else if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, to - i);
                payloadLeft -= n;
                i += n;
                if (payloadLeft == 0) {
                    frameEnded();
                }
            } else {
                header[headerFill++] = b.getByte(i++);
                if (headerFill == FRAME_HEADER) {
                    headerFill = 0;
                    frameStarted();
                }
            }
        }
    }

    private void frameStarted() {
        payloadLeft = ((header[0] & 0xffL) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        int type = header[3] & 0xff;
        boolean blockFrame = type == HEADERS || type == PUSH_PROMISE || type == CONTINUATION;
        endsBlock = blockFrame && (header[4] & END_HEADERS) != 0;
        if (blockFrame) {
            timer.headerBlockStarted();
        }
        if (payloadLeft == 0) {
            frameEnded();
        }
    }

    private void frameEnded() {
        if (endsBlock) {
            endsBlock = false;
            timer.headerBlockEnded();
        }
    }
}
