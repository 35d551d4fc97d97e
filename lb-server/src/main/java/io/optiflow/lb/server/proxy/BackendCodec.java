package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * The backend side's HTTP/1.1 codec: Netty's response decoder and request encoder as two handlers of the pipeline.
 * Netty's {@code HttpClientCodec} wraps the same pair in one combined handler, which adds a delegation to every
 * event both ways and a queue of request methods; a backend connection carries one request at a time, so the one
 * thing the decoder must learn from the encoder, whether the response answers a HEAD (no body, whatever its framing
 * headers say), is one field. Unlike {@code HttpClientCodec}, a {@code 200} to a CONNECT is not taken as the start
 * of a tunnel (the proxy splices only WebSocket upgrades): its body is framed as any other response's.
 *
 * <p>The decoder also skips the per-response work of the usual case: the status line {@code HTTP/1.1 200 OK} and the
 * common response header names, spelled as most servers send them, become constants (no new strings, no new
 * {@code HttpVersion} or status lookups, names whose hash is computed once and which are not validated again: they
 * are compared byte for byte with valid tokens). Anything else is decoded exactly as Netty decodes it.
 */
final class BackendCodec {

    static final String DECODER = "decoder";
    static final String ENCODER = "encoder";

    private static final String HTTP_1_1 = "HTTP/1.1";
    private static final String CODE_200 = "200";
    private static final String REASON_OK = "OK";

    /** Header names as servers commonly spell them (exact bytes; any other spelling is decoded as usual). */
    static final AsciiString[] COMMON_NAMES = {
        AsciiString.cached("Server"), AsciiString.cached("Date"), AsciiString.cached("Content-Type"),
        AsciiString.cached("Content-Length"), AsciiString.cached("Connection"), AsciiString.cached("Keep-Alive"),
        AsciiString.cached("Transfer-Encoding"), AsciiString.cached("Last-Modified"), AsciiString.cached("ETag"),
        AsciiString.cached("Accept-Ranges"), AsciiString.cached("Cache-Control"), AsciiString.cached("Vary"),
        AsciiString.cached("Content-Encoding"), AsciiString.cached("Expires"), AsciiString.cached("Location"),
        AsciiString.cached("Set-Cookie")};

    /** Netty's name check, except for {@link #COMMON_NAMES} themselves (compared by identity: valid tokens). */
    private static final DefaultHeaders.NameValidator<CharSequence> NAMES = Headers.namesExcept(COMMON_NAMES);

    private BackendCodec() {
    }

    /** Adds the decoder and the encoder at the end of {@code p}. */
    static void addTo(ChannelPipeline p, int maxInitialLineLength, int maxHeaderSize) {
        ResponseDecoder decoder = new ResponseDecoder(maxInitialLineLength, maxHeaderSize);
        p.addLast(DECODER, decoder);
        p.addLast(ENCODER, new RequestEncoder(decoder));
    }

    /**
     * Adds the decoder and the encoder at the end of {@code p}, the decoder one that says when it is at rest between
     * responses ({@link ResponseBytes} in front of it hands it the responses the byte path does not take).
     */
    static TrackedResponseDecoder addTracked(ChannelPipeline p, int maxInitialLineLength, int maxHeaderSize) {
        TrackedResponseDecoder decoder = new TrackedResponseDecoder(maxInitialLineLength, maxHeaderSize);
        p.addLast(DECODER, decoder);
        p.addLast(ENCODER, new RequestEncoder(decoder));
        return decoder;
    }

    /** Takes both out (a tunnel); bytes the decoder holds go on to the next handler as they are. */
    static void removeFrom(ChannelPipeline p) {
        p.remove(ENCODER);
        p.remove(DECODER);
    }

    /** Netty's response decoder with the HEAD rule of {@code HttpClientCodec} and the fast paths above. */
    static class ResponseDecoder extends HttpResponseDecoder {

        /** Whether the request last written on this connection was a HEAD and its final response is still to come. */
        private boolean headRequest;

        ResponseDecoder(int maxInitialLineLength, int maxHeaderSize) {
            super(new HttpDecoderConfig().setMaxInitialLineLength(maxInitialLineLength)
                    .setMaxHeaderSize(maxHeaderSize).setMaxChunkSize(DataPlane.MAX_CHUNK)
                    .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withNameValidator(NAMES)));
        }

        void requestWritten(HttpMethod method) {
            headRequest = HttpMethod.HEAD.equals(method);
        }

        /** Whether the next final response answers a HEAD (no body, whatever its framing headers say). */
        boolean headRequestPending() {
            return headRequest;
        }

        /** A final response went past this decoder (the byte path took it): the HEAD flag is used up, as here. */
        void finalResponseTaken() {
            headRequest = false;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            // A 1xx is interim: the answer to the HEAD is still to come. The final one uses the flag up, so a response
            // the backend sends unasked later (a 408 on an idle connection) is framed as any other.
            if (headRequest && ((HttpResponse) msg).status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                headRequest = false;
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected HttpMessage createMessage(String[] initialLine) {
            if (initialLine[0] == HTTP_1_1 && initialLine[1] == CODE_200 && initialLine[2] == REASON_OK) {
                return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, headersFactory);
            }
            return super.createMessage(initialLine);
        }

        @Override
        protected String splitFirstWordInitialLine(byte[] sb, int start, int length) {
            return is(sb, start, length, HTTP_1_1) ? HTTP_1_1 : super.splitFirstWordInitialLine(sb, start, length);
        }

        @Override
        protected String splitSecondWordInitialLine(byte[] sb, int start, int length) {
            return is(sb, start, length, CODE_200) ? CODE_200 : super.splitSecondWordInitialLine(sb, start, length);
        }

        @Override
        protected String splitThirdWordInitialLine(byte[] sb, int start, int length) {
            return is(sb, start, length, REASON_OK) ? REASON_OK : super.splitThirdWordInitialLine(sb, start, length);
        }

        @Override
        protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
            for (AsciiString common : COMMON_NAMES) {
                if (common.length() == length && is(sb, start, common)) {
                    return common;
                }
            }
            return super.splitHeaderName(sb, start, length);
        }

        private static boolean is(byte[] sb, int start, int length, String s) {
            if (s.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (sb[start + i] != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean is(byte[] sb, int start, AsciiString s) {
            byte[] a = s.array();
            int off = s.arrayOffset();
            for (int i = 0, n = s.length(); i < n; i++) {
                if (sb[start + i] != a[off + i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The response decoder behind {@link ResponseBytes}: knows whether it is at rest, that is, whether the last thing it
     * produced was a response's end and it has consumed nothing since and holds no bytes. Netty's decoder consumes a
     * head line by line, so an empty cumulation alone does not tell: a head may be half read into its own state.
     */
    static final class TrackedResponseDecoder extends ResponseDecoder {

        private boolean atRest = true;

        TrackedResponseDecoder(int maxInitialLineLength, int maxHeaderSize) {
            super(maxInitialLineLength, maxHeaderSize);
        }

        /** Whether the next bytes start a response: the decoder's last output was an end, and it holds nothing. */
        boolean atRest() {
            return atRest && !internalBuffer().isReadable();
        }

        /** Bytes of a response are about to be handed to this decoder: it is busy until it produces that response's end. */
        void handed() {
            atRest = false;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            int before = buffer.readerIndex();
            int produced = out.size();
            super.decode(ctx, buffer, out);
            if (out.size() > produced) {
                atRest = out.get(out.size() - 1) instanceof LastHttpContent;
            } else if (buffer.readerIndex() != before) {
                atRest = false; // a head's first lines read into the decoder's own state
            }
        }
    }

    /** Netty's request encoder; tells the decoder which method the response it reads next answers. */
    static final class RequestEncoder extends HttpRequestEncoder {

        private final ResponseDecoder decoder;
        private ChannelHandlerContext ctx;

        RequestEncoder(ResponseDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /**
         * The byte path ({@link RawHead}): a request head already in wire form, written past this encoder (which
         * keeps no state for it: a connection carries one request at a time); the decoder learns its method.
         */
        void writeHead(HttpMethod method, ByteBuf head) {
            decoder.requestWritten(method);
            ctx.write(head, ctx.voidPromise());
        }

        /** The byte path: more bytes of the request (a body part, a Host line), past this encoder. */
        void writeBytes(ByteBuf bytes) {
            ctx.write(bytes, ctx.voidPromise());
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest r) {
                decoder.requestWritten(r.method());
            }
            super.encode(ctx, msg, out);
        }
    }
}
