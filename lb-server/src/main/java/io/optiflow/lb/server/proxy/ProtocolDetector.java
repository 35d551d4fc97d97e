package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First handler of a client connection: HTTP/2 with prior knowledge (h2c; the connection starts with the
 * HTTP/2 preface) or HTTP/1.x. Replaces itself with the matching pipeline; bytes read so far go on to it.
 */
final class ProtocolDetector extends ByteToMessageDecoder {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final DataPlane plane;

    ProtocolDetector(DataPlane plane) {
        this.plane = plane;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        int start = in.readerIndex();
        for (int i = 0; i < n; i++) {
            if (in.getByte(start + i) != PREFACE[i]) {
                plane.configureHttp1(ctx.pipeline(), ctx.name(), true);
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (n == PREFACE.length) {
            plane.configureHttp2(ctx.pipeline(), ctx.name());
            ctx.pipeline().remove(this);
        }
    }
}
