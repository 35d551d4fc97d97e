package io.optiflow.lb.blackbox.harness;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames over a plain socket (h2c with prior knowledge), written and read one by one: for what a well-behaved
 * client library never does (not acknowledging SETTINGS, resetting streams as fast as it opens them). Header blocks
 * are hand-made HPACK: {@code GET /} with a literal {@code :authority}.
 */
public final class H2Frames implements AutoCloseable {

    public static final int DATA = 0;
    public static final int HEADERS = 1;
    public static final int RST_STREAM = 3;
    public static final int SETTINGS = 4;
    public static final int PING = 6;
    public static final int GOAWAY = 7;
    public static final int WINDOW_UPDATE = 8;
    public static final int CONTINUATION = 9;
    public static final int SETTINGS_TIMEOUT = 0x4;
    public static final int ENHANCE_YOUR_CALM = 0xb;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** One frame as read. */
    public record Frame(int type, int flags, int stream, byte[] payload) {
        /** The error code of a GOAWAY or RST_STREAM. */
        public int errorCode() {
            ByteBuffer b = ByteBuffer.wrap(payload);
            return type == GOAWAY ? b.getInt(4) : b.getInt(0);
        }
    }

    private H2Frames(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /** Connects and sends the preface and an empty SETTINGS frame (not yet acknowledging the server's). */
    public static H2Frames connect(int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        H2Frames h = new H2Frames(s);
        h.out.write(PREFACE);
        h.frame(SETTINGS, 0, 0, new byte[0]);
        h.flush();
        return h;
    }

    public H2Frames timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
        return this;
    }

    /** Writes a frame (buffered until {@link #flush}). */
    public H2Frames frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(ByteBuffer.allocate(4).putInt(stream & 0x7fffffff).array());
        out.write(payload);
        return this;
    }

    public H2Frames flush() throws IOException {
        out.flush();
        return this;
    }

    public H2Frames settingsAck() throws IOException {
        return frame(SETTINGS, 0x1, 0, new byte[0]);
    }

    /** HEADERS of {@code GET path} on {@code stream}, ending the stream (no body). */
    public H2Frames get(int stream, String path) throws IOException {
        return frame(HEADERS, 0x4 | 0x1, stream, getBlock(path));
    }

    public H2Frames reset(int stream, int errorCode) throws IOException {
        return frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(errorCode).array());
    }

    /** The next frame; EOF when the server closed. */
    public Frame read() throws IOException {
        int len = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new Frame(type, flags, stream, payload);
    }

    /** Reads until a frame of {@code type} (returned) or EOF (null). */
    public Frame readUntil(int type) throws IOException {
        try {
            for (;;) {
                Frame f = read();
                if (f.type() == type) {
                    return f;
                }
            }
        } catch (EOFException e) {
            return null;
        }
    }

    /** The value of a setting in a SETTINGS frame's payload, or -1. */
    public static long setting(Frame settings, int id) {
        ByteBuffer b = ByteBuffer.wrap(settings.payload());
        while (b.remaining() >= 6) {
            int k = b.getShort() & 0xffff;
            long v = b.getInt() & 0xffffffffL;
            if (k == id) {
                return v;
            }
        }
        return -1;
    }

    /** HPACK: :method GET, :scheme http (static table), :path and :authority as literals without indexing. */
    public static byte[] getBlock(String path) {
        byte[] p = path.getBytes(StandardCharsets.US_ASCII);
        byte[] a = "localhost".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + p.length + a.length);
        b.put((byte) 0x82).put((byte) 0x86);
        b.put((byte) 0x04).put((byte) p.length).put(p); // literal without indexing, name index 4 (:path)
        b.put((byte) 0x01).put((byte) a.length).put(a); // name index 1 (:authority)
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
