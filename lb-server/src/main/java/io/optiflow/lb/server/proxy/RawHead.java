package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;

/**
 * A request head the byte path took ({@link HeadForwarder}), handed to {@link ClientConnection} in place of a decoded
 * {@code HttpRequest}: what routing needs, and, once routed, the head as the backend gets it ({@link #build}), written
 * past the backend's request encoder ({@link #writeTo}). One per request.
 *
 * <p>The head written on is the one today's path writes ({@link RequestHeads#prepare}, then Netty's request encoder),
 * line for line ({@code ByteForwardingTest} compares both): the request line anew ({@code METHOD SP origin-form SP
 * HTTP/1.1}); the client's header lines in their order, each as {@code name: value} (the value without the whitespace
 * around it, as Netty decodes it), without the lines {@link HeadScan#cut} names (hop-by-hop, proxy-owned, listed by
 * Connection); a Content-Length written other than as its number (leading zeros) as {@code content-length: N} after
 * them (Netty's decoder sets it so); then the proxy's forwarding lines {@code x-forwarded-for}, {@code
 * x-forwarded-proto}, {@code x-forwarded-host}, {@code forwarded}, with the values RequestHeads gives them; and for a
 * hostless HTTP/1.0 request {@code host: <the backend's authority>} last, per attempt. The bytes are copied into one
 * new buffer (not kept as slices of the received one): one contiguous write per attempt, and the received buffer is
 * free again at once; JMH measured copy and slices alike (docs/benchmarks.md, HeadForwardBenchmark).
 */
final class RawHead {

    private static final byte[] VERSION = HeadLines.bytes(" HTTP/1.1\r\n");
    private static final byte[] CRLF = HeadLines.bytes("\r\n");
    private static final byte[] COLON = HeadLines.bytes(": ");
    private static final byte[] COMMA = HeadLines.bytes(", ");
    private static final byte[] CONTENT_LENGTH = HeadLines.bytes("content-length: ");
    private static final byte[] X_FORWARDED_FOR = HeadLines.bytes("x-forwarded-for: ");
    private static final byte[] X_FORWARDED_PROTO = HeadLines.bytes("x-forwarded-proto: ");
    private static final byte[] X_FORWARDED_HOST = HeadLines.bytes("x-forwarded-host: ");
    private static final byte[] FORWARDED = HeadLines.bytes("forwarded: ");
    private static final byte[] HOST = HeadLines.bytes("host: ");
    private static final byte[] HTTP = HeadLines.bytes("http");
    private static final byte[] HTTPS = HeadLines.bytes("https");

    final HttpMethod method;
    final String target;
    /** The origin-form target the backend gets; set by {@link #build}. */
    String origin;
    final String host;
    final boolean http10;
    final boolean keepAlive;
    final boolean hasBody;
    /** HTTP/1.0 without Host: each attempt adds its backend's authority. */
    final boolean hostless;
    /**
     * The scan of this head, while the head is dispatched (synchronously, within the forwarder's read, which holds
     * its buffer): header lookups for routing and {@link #build} read it. Null afterwards.
     */
    HeadScan scan;
    /** The head for the backend without its final blank line when hostless; null until built and after release. */
    private ByteBuf bytes;

    RawHead(HeadScan s) {
        this.scan = s;
        this.method = HttpMethod.valueOf(s.method);
        this.target = s.target;
        this.host = s.host;
        this.http10 = s.http10;
        this.keepAlive = s.keepAlive;
        this.hasBody = s.hasBody;
        this.hostless = s.host == null;
    }

    /** The first value of header {@code name} (as Netty's {@code headers().get(name)} gives it), or null. */
    String header(String name) {
        HeadScan s = scan;
        for (int h = 0; h < s.count; h++) {
            if (s.nameEnd(h) - s.nameStart(h) == name.length() && s.sameIgnoringCase(s.nameStart(h), name)) {
                return value(s, h);
            }
        }
        return null;
    }

    /** The last X-Forwarded-For value, or null. */
    String xForwardedFor() {
        HeadScan s = scan;
        return s.xForwardedFor < 0 ? null : value(s, s.xForwardedFor);
    }

    private static String value(HeadScan s, int h) {
        return s.buf.toString(s.valueStart(h), s.valueEnd(h) - s.valueStart(h), StandardCharsets.ISO_8859_1);
    }

    /** Writes the head for the backend ({@code origin}: the origin-form target), while {@link #scan} is valid. */
    void build(ByteBufAllocator alloc, String origin, ClientConnection client) {
        this.origin = origin;
        HeadScan s = scan;
        ByteBuf in = s.buf;
        ByteBuf out = alloc.buffer(s.end - s.start + 256);
        out.writeBytes(in, s.start, s.methodEnd - s.start).writeByte(' ');
        if (origin.equals(target)) {
            out.writeBytes(in, s.targetStart, s.targetEnd - s.targetStart);
        } else {
            out.writeCharSequence(origin, StandardCharsets.ISO_8859_1);
        }
        out.writeBytes(VERSION);
        boolean lengthRewritten = false;
        for (int h = 0; h < s.count; h++) {
            if (s.cut(h)) {
                continue;
            }
            int vs = s.valueStart(h);
            if (s.kind(h) == HeadLines.CONTENT_LENGTH && s.valueEnd(h) - vs > 1 && in.getByte(vs) == '0') {
                lengthRewritten = true; // Netty's decoder sets the number anew (a lower-case name, after the others)
                continue;
            }
            out.writeBytes(in, s.nameStart(h), s.nameEnd(h) - s.nameStart(h)).writeBytes(COLON);
            out.writeBytes(in, vs, s.valueEnd(h) - vs).writeBytes(CRLF);
        }
        if (lengthRewritten) {
            out.writeBytes(CONTENT_LENGTH).writeCharSequence(Long.toString(s.contentLength), StandardCharsets.US_ASCII);
            out.writeBytes(CRLF);
        }
        forwarding(out, s, client);
        if (!hostless) {
            out.writeBytes(CRLF);
        }
        bytes = out;
    }

    /** RequestHeads' forwarding lines, same names, values and order. */
    private void forwarding(ByteBuf out, HeadScan s, ClientConnection client) {
        boolean trusted = client.trustedPeer;
        out.writeBytes(X_FORWARDED_FOR);
        if (trusted && s.xForwardedFor >= 0) {
            copyValue(out, s, s.xForwardedFor).writeBytes(COMMA);
        }
        out.writeCharSequence(client.peerIp, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF).writeBytes(X_FORWARDED_PROTO);
        if (trusted && s.xForwardedProto >= 0) {
            copyValue(out, s, s.xForwardedProto);
        } else {
            out.writeBytes(client.tls ? HTTPS : HTTP);
        }
        out.writeBytes(CRLF);
        if (trusted && s.xForwardedHost >= 0) {
            copyValue(out.writeBytes(X_FORWARDED_HOST), s, s.xForwardedHost).writeBytes(CRLF);
        } else if (host != null) {
            out.writeBytes(X_FORWARDED_HOST).writeCharSequence(host, StandardCharsets.ISO_8859_1);
            out.writeBytes(CRLF);
        }
        out.writeBytes(FORWARDED);
        if (trusted && s.forwarded >= 0) {
            copyValue(out, s, s.forwarded).writeBytes(COMMA);
        }
        out.writeCharSequence(client.forwardedFor(host), StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
    }

    private static ByteBuf copyValue(ByteBuf out, HeadScan s, int h) {
        return out.writeBytes(s.buf, s.valueStart(h), s.valueEnd(h) - s.valueStart(h));
    }

    /**
     * Writes the head to a backend connection (again on a retry: the bytes stay until {@link #release}), past its
     * request encoder, which keeps no state for it; {@code authority}: the Host of a hostless head, else null.
     * {@code first}: the buffer itself goes (no duplicate object); a later write takes a slice of the same bytes.
     */
    void writeTo(Channel ch, String authority, boolean first) {
        BackendCodec.RequestEncoder encoder = ch.pipeline().get(BackendCodec.RequestEncoder.class);
        if (encoder == null) {
            return; // the connection is gone and its pipeline torn down: its close reaches the exchange
        }
        encoder.writeHead(method, first ? bytes.retain() : bytes.retainedSlice(0, bytes.writerIndex()));
        if (authority != null) {
            ByteBuf tail = ch.alloc().buffer(authority.length() + 12);
            tail.writeBytes(HOST).writeCharSequence(authority, StandardCharsets.ISO_8859_1);
            encoder.writeBytes(tail.writeBytes(CRLF).writeBytes(CRLF));
        }
    }

    /** A part of the body (a slice of what the client sent, counted down by the forwarder), past the encoder. */
    static void writeBody(Channel ch, HttpContent part) {
        BackendCodec.RequestEncoder encoder = ch.pipeline().get(BackendCodec.RequestEncoder.class);
        if (encoder == null) {
            part.release(); // as a write to a closed channel would
        } else {
            encoder.writeBytes(part.content());
        }
    }

    /** The exchange ended: the head's bytes go back (idempotent). */
    void release() {
        ByteBuf b = bytes;
        if (b != null) {
            bytes = null;
            b.release();
        }
    }
}
