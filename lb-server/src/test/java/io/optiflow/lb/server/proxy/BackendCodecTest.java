package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backend side's decoder and encoder on an embedded channel, against Netty's own response decoder. */
class BackendCodecTest {

    private static final String[] RESPONSES = {
        "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 06 Dec 2026 19:00:00 GMT\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
        "HTTP/1.1 200 Fine\r\ncontent-length: 2\r\nCONNECTION: close\r\nX-Own: 1\r\n\r\nok",
        "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nContent-Lengthy: 3\r\nDat: x\r\n\r\nok",
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nETag: \"a\"\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"
            + "2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n"};

    @Test
    void decode_variousResponses_sameMessagesAsNettysResponseDecoder() {
        for (String response : RESPONSES) {
            assertEquals(describe(decodeWith(new HttpResponseDecoder(4096, 8192, BackendCodecTest.MAX), response)),
                    describe(decodeWith(newDecoder(), response)), response);
        }
    }

    @Test
    void decode_commonStatusLine_theConstantsNettyUses() {
        List<HttpObject> out = decodeWith(newDecoder(), RESPONSES[0]);
        HttpResponse r = assertInstanceOf(HttpResponse.class, out.get(0));
        assertSame(HttpVersion.HTTP_1_1, r.protocolVersion());
        assertSame(HttpResponseStatus.OK, r.status());
        assertEquals(List.of("Server", "Date", "Content-Type", "Content-Length", "Connection"),
                r.headers().entries().stream().map(Map.Entry::getKey).toList(), "names kept as the backend spelled them");
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void commonNames_eachPassesNettysNameCheck() {
        for (AsciiString name : BackendCodec.COMMON_NAMES) {
            assertDoesNotThrow(() -> DefaultHttpHeadersFactory.headersFactory().getNameValidator().validateName(name),
                    name.toString());
        }
    }

    @Test
    void headRequest_framingHeadersWithoutBody_responseEndsAtItsHeadAndTheNextOneFollows() {
        EmbeddedChannel ch = codecChannel();
        ch.writeOutbound(request(HttpMethod.HEAD));
        releaseAll(ch.outboundMessages());
        ch.outboundMessages().clear();
        ch.writeInbound(bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
        List<HttpObject> first = drain(ch);
        assertEquals("100 Continue|end|200 OK|end", describe(first).replaceAll(" \\[[^]]*]", ""), describe(first));
        ch.writeOutbound(request(HttpMethod.GET));
        releaseAll(ch.outboundMessages());
        ch.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        assertEquals("200 OK [Content-Length=2]|end ok", describe(drain(ch)));
        ch.finishAndReleaseAll();
    }

    @Test
    void headRequest_answeredThenAnUnaskedResponse_theUnaskedOneKeepsItsBody() {
        EmbeddedChannel ch = codecChannel();
        ch.writeOutbound(request(HttpMethod.HEAD));
        releaseAll(ch.outboundMessages());
        ch.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
        drain(ch).forEach(ReferenceCountUtil::release);
        ch.writeInbound(bytes("HTTP/1.1 408 Request Timeout\r\nContent-Length: 4\r\n\r\nbye."));
        assertEquals("408 Request Timeout [Content-Length=4]|end bye.", describe(drain(ch)));
        ch.finishAndReleaseAll();
    }

    @Test
    void connectRequest_200WithABody_decodedAsAResponseNotAsTunnelBytes() {
        EmbeddedChannel ch = codecChannel();
        ch.writeOutbound(request(HttpMethod.CONNECT));
        releaseAll(ch.outboundMessages());
        ch.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        assertEquals("200 OK [Content-Length=2]|end ok|200 OK [Content-Length=0]|end", describe(drain(ch)));
        ch.finishAndReleaseAll();
    }

    @Test
    void encoder_request_writtenAsNettysEncoderWritesIt() {
        EmbeddedChannel ch = codecChannel();
        ch.writeOutbound(request(HttpMethod.GET));
        StringBuilder wire = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            wire.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        assertEquals("GET /p HTTP/1.1\r\nhost: b\r\n\r\n", wire.toString());
        ch.finishAndReleaseAll();
    }

    // ------------------------------------------------------------------ helpers

    private static final int MAX = DataPlane.MAX_CHUNK;

    private static BackendCodec.ResponseDecoder newDecoder() {
        return new BackendCodec.ResponseDecoder(4096, 8192);
    }

    private static EmbeddedChannel codecChannel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        BackendCodec.addTo(ch.pipeline(), 4096, 8192);
        return ch;
    }

    private static DefaultFullHttpRequest request(HttpMethod m) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, m, "/p");
        r.headers().set("host", "b");
        return r;
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static List<HttpObject> decodeWith(HttpResponseDecoder decoder, String response) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(bytes(response));
        ch.finish();
        return drain(ch);
    }

    private static List<HttpObject> drain(EmbeddedChannel ch) {
        List<HttpObject> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add((HttpObject) o);
        }
        return out;
    }

    private static void releaseAll(java.util.Queue<Object> q) {
        Object o;
        while ((o = q.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    /** Each message in a line: status and headers of a head, "end" for a last part, body text; releases them. */
    private static String describe(List<HttpObject> messages) {
        List<String> parts = new ArrayList<>();
        for (HttpObject m : messages) {
            StringBuilder b = new StringBuilder();
            if (m.decoderResult().isFailure()) {
                b.append("failed ").append(m.decoderResult().cause());
            }
            if (m instanceof HttpResponse r) {
                b.append(r.protocolVersion().text().equals("HTTP/1.1") ? "" : r.protocolVersion() + " ")
                        .append(r.status().code()).append(' ').append(r.status().reasonPhrase());
                if (!r.headers().isEmpty()) {
                    b.append(' ').append(r.headers().entries().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .toList().toString().replace(", ", ","));
                }
            }
            if (m instanceof HttpContent c) {
                b.append(m instanceof LastHttpContent ? (b.length() == 0 ? "end" : "|end") : "part");
                if (c.content().isReadable()) {
                    b.append(' ').append(c.content().toString(StandardCharsets.ISO_8859_1));
                }
            }
            ReferenceCountUtil.release(m);
            parts.add(b.toString());
        }
        assertTrue(parts.size() > 0, "something decoded");
        return String.join("|", parts);
    }
}
