package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, strict: a request with both Transfer-Encoding and Content-Length is a decoding
 * failure (answered 400 and closed) rather than quietly read as chunked, as RFC 9112 §6.3 allows a server to do
 * but a proxy must not. On a plain-text connection it also counts the bytes read for the connection's
 * {@link ClientTimer} (which then is not in the pipeline), before decoding them, as the timer did as a handler.
 */
final class RequestDecoder extends HttpRequestDecoder {

    /**
     * The timer this decoder counts the bytes read for, or null (the timer counts them itself, in the pipeline, or
     * the byte path's {@link HeadForwarder} in front of this decoder counts them until it hands over).
     */
    private ClientTimer timer;

    RequestDecoder(int maxInitialLineLength, int maxHeaderSize, ClientTimer timer) {
        super(new HttpDecoderConfig().setMaxInitialLineLength(maxInitialLineLength).setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(DataPlane.MAX_CHUNK).setStrictLineParsing(true)
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withNameValidator(RequestHeads.NAMES)));
        this.timer = timer;
    }

    /** From now on this decoder counts the bytes read for {@code t} (null: nobody needs them counted here). */
    void countFor(ClientTimer t) {
        this.timer = t;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (timer != null && msg instanceof ByteBuf b) {
            timer.onBytes(b.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Transfer-Encoding and Content-Length.");
    }
}
