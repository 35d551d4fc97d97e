package io.optiflow.lb.server.proxy;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, strict: a request with both Transfer-Encoding and Content-Length is a decoding
 * failure (answered 400 and closed) rather than quietly read as chunked, as RFC 9112 §6.3 allows a server to do
 * but a proxy must not.
 */
final class RequestDecoder extends HttpRequestDecoder {

    RequestDecoder(int maxInitialLineLength, int maxHeaderSize) {
        super(new HttpDecoderConfig().setMaxInitialLineLength(maxInitialLineLength).setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(DataPlane.MAX_CHUNK).setStrictLineParsing(true)
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withNameValidator(RequestHeads.NAMES)));
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Transfer-Encoding and Content-Length.");
    }
}
