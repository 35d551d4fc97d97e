package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
    /** The head's length in {@link #bytes} (from index 0), as built. */
    private int length;
    /** How often the head was written ({@link #writeTo}). */
    private int attempts;

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
        return s.text(s.valueStart(h), s.valueEnd(h));
    }

    /**
     * Writes the head for the backend ({@code origin}: the origin-form target), while {@link #scan} is valid. Runs of
     * lines that go on exactly as they came (the request line when it is {@code METHOD SP target SP HTTP/1.1} with
     * the target kept, and header lines in {@link HeadLines#canonical} form, not cut) are copied with one write each;
     * other lines are written in parts, the name and the value without the whitespace around it.
     */
    void build(ByteBufAllocator alloc, String origin, ClientConnection client) {
        this.origin = origin;
        HeadScan s = scan;
        ByteBuf out = alloc.buffer(s.end - s.start + 256);
        int run = -1; // where the bytes to copy as they are start, or -1
        int runEnd = -1;
        if (s.canonicalRequestLine() && origin.equals(target)) {
            run = s.start;
            runEnd = s.versionEnd + 2;
        } else {
            copy(out, s, s.start, s.methodEnd).writeByte(' ');
            if (origin.equals(target)) {
                copy(out, s, s.targetStart, s.targetEnd);
            } else {
                out.writeCharSequence(origin, StandardCharsets.ISO_8859_1);
            }
            out.writeBytes(VERSION);
        }
        boolean lengthRewritten = false;
        for (int h = 0; h < s.count; h++) {
            if (s.cut(h)) {
                continue;
            }
            int vs = s.valueStart(h);
            if (s.kind(h) == HeadLines.CONTENT_LENGTH && s.valueEnd(h) - vs > 1 && s.b(vs) == '0') {
                lengthRewritten = true; // Netty's decoder sets the number anew (a lower-case name, after the others)
                continue;
            }
            int ns = s.nameStart(h);
            if (s.canonical(h)) {
                if (ns != runEnd) {
                    copyRun(out, s, run, runEnd);
                    run = ns;
                }
                runEnd = s.valueEnd(h) + 2;
                continue;
            }
            copyRun(out, s, run, runEnd);
            run = runEnd = -1;
            copy(out, s, ns, s.nameEnd(h)).writeBytes(COLON);
            copy(out, s, vs, s.valueEnd(h)).writeBytes(CRLF);
        }
        copyRun(out, s, run, runEnd);
        if (lengthRewritten) {
            out.writeBytes(CONTENT_LENGTH).writeCharSequence(Long.toString(s.contentLength), StandardCharsets.US_ASCII);
            out.writeBytes(CRLF);
        }
        if (client.trustedPeer) {
            forwarding(out, s, client);
        } else {
            out.writeBytes(s.forwardingLines(this, client));
        }
        if (!hostless) {
            out.writeBytes(CRLF);
        }
        bytes = out;
        length = out.writerIndex();
    }

    private static ByteBuf copy(ByteBuf out, HeadScan s, int from, int to) {
        return out.writeBytes(s.a, from - s.base, to - from);
    }

    private static void copyRun(ByteBuf out, HeadScan s, int run, int runEnd) {
        if (run >= 0) {
            copy(out, s, run, runEnd);
        }
    }

    /**
     * The forwarding lines of an untrusted peer's request (they depend on the connection and the Host only), as
     * bytes, for {@link HeadScan#forwardingLines} to keep.
     */
    byte[] forwardingLines(HeadScan s, ClientConnection client) {
        ByteBuf lines = Unpooled.buffer(128);
        forwarding(lines, s, client);
        return ByteBufUtil.getBytes(lines);
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
        return copy(out, s, s.valueStart(h), s.valueEnd(h));
    }

    /**
     * Writes the head to a backend connection (again on a retry: the bytes stay until {@link #release}), past its
     * request encoder, which keeps no state for it; {@code authority}: the Host of a hostless head, else null.
     */
    void writeTo(Channel ch, String authority) {
        BackendCodec.RequestEncoder encoder = ch.pipeline().get(BackendCodec.RequestEncoder.class);
        if (encoder == null) {
            return; // the connection is gone and its pipeline torn down: its close reaches the exchange
        }
        // The first attempt writes the head's own buffer (no new object per request). What takes it on may move its
        // indices (the transport its reader index as it writes; an SslHandler also appends the next writes into its
        // spare room), never the bytes of the head. So a retry writes a slice of exactly those bytes, by the indices
        // build gave them, whatever an earlier write (finished, or left behind on a closed connection) did.
        encoder.writeHead(method, attempts++ == 0 ? bytes.retain() : bytes.retainedSlice(0, length));
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
