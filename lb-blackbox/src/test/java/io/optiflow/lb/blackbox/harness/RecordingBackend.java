package io.optiflow.lb.blackbox.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend that parses what it receives with {@link StrictHttp} and records every request (method, target, body
 * length), so a test can compare what reached it with what the client sent. Answers each with 200, the body
 * {@code <seq>} and the header {@code X-Recorded: <seq>}. Bytes it cannot parse as a request are recorded as an
 * error (that is what a smuggled or re-framed request looks like from here); a connection closed in the middle of a
 * request is only counted as cut.
 */
public final class RecordingBackend implements AutoCloseable {

    /** One request as this backend parsed it. */
    public record Recorded(long seq, String method, String target, long bodyLength) {
    }

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-backend");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong seq = new AtomicLong();
    private final ConcurrentLinkedQueue<Recorded> recorded = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong cut = new AtomicLong();

    public RecordingBackend() {
        try {
            server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pool.execute(this::acceptLoop);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public ConcurrentLinkedQueue<Recorded> recorded() {
        return recorded;
    }

    public ConcurrentLinkedQueue<String> errors() {
        return errors;
    }

    public long cut() {
        return cut.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                pool.execute(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        byte[] buf = new byte[1 << 16];
        int len = 0;
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (;;) {
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    if (len > 0) {
                        cut.incrementAndGet();
                    }
                    return;
                }
                len += n;
                int start = 0;
                while (start < len) {
                    StrictHttp.Request r;
                    try {
                        r = StrictHttp.parse(buf, start, len);
                    } catch (StrictHttp.Invalid e) {
                        if (e.incomplete) {
                            break;
                        }
                        errors.add(e.getMessage() + " in: " + StrictHttp.printable(new String(buf, start,
                                Math.min(len - start, 400), StandardCharsets.ISO_8859_1)));
                        return;
                    }
                    long id = seq.incrementAndGet();
                    recorded.add(new Recorded(id, r.method(), r.target(), r.bodyLength()));
                    byte[] body = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nX-Recorded: " + id
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    start += r.consumed();
                }
                System.arraycopy(buf, start, buf, 0, len - start);
                len -= start;
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
        } catch (IOException e) {
            cut.incrementAndGet();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        pool.shutdownNow();
    }
}
