package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request head from received bytes to the bytes for the backend, per operation: today's way against the
 * scanner's. It sits in lb-server's test tree (not lb-bench) because both sides are package-private classes of the
 * proxy package; run it from lb-server's test classpath, e.g.
 * {@code java -cp lb-server/target/test-classes:lb-server/target/classes:<test classpath> org.openjdk.jmh.Main
 * HeadForwardBenchmark -prof gc}.
 *
 * <ul>
 *   <li>{@code today}: Netty's decoder as {@link RequestDecoder} configures it (one handler on an embedded channel,
 *       as in the pipeline), {@link RequestChecks}, the rewrite {@link RequestHeads#prepare} does (hop-by-hop lines
 *       removed, the four forwarding headers set; done here with the same calls, since {@code prepare} needs a live
 *       client connection), then Netty's request encoder.</li>
 *   <li>{@code scanSlices}: {@link HeadScan} over the received buffer, then the head for the backend as pieces to
 *       write: the request line written anew into a pooled buffer, each run of kept header lines as a retained slice
 *       of the received buffer, and the forwarding lines (kept per connection, as ClientConnection keeps its
 *       Forwarded value).</li>
 *   <li>{@code scanCopy}: the same, with the kept lines copied into the one pooled buffer instead of sliced.</li>
 * </ul>
 * The buffers made are released at the end of each operation, as a write would release them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Dio.netty.recycler.maxCapacityPerThread=0"})
public class HeadForwardBenchmark {

    /** What wrk sends. */
    static final String WRK = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";

    /** A browser's navigation: twelve header lines. */
    static final String BROWSER = "GET /app/orders?page=2&sort=date HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "Connection: keep-alive\r\n"
            + "Cache-Control: max-age=0\r\n"
            + "sec-ch-ua: \"Chromium\";v=\"120\", \"Not?A_Brand\";v=\"24\"\r\n"
            + "sec-ch-ua-mobile: ?0\r\n"
            + "sec-ch-ua-platform: \"Linux\"\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Cookie: session=6f1c2a9e0b7d4c3a8e5f; theme=dark; consent=1\r\n"
            + "\r\n";

    private static final byte[] HTTP_1_1_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final String PEER = "127.0.0.1";

    @Param({"wrk", "browser"})
    public String head;

    private ByteBufAllocator alloc;
    private ByteBuf input;
    private EmbeddedChannel decoder;
    private EmbeddedChannel encoder;
    private RequestChecks checks;
    private HeadScan scan;
    private byte[] forwarding;
    private final ByteBuf[] parts = new ByteBuf[128];
    private final int[] runs = new int[256];

    @Setup(Level.Trial)
    public void setUp() {
        alloc = DataPlane.allocator(null);
        byte[] bytes = ("wrk".equals(head) ? WRK : BROWSER).getBytes(StandardCharsets.ISO_8859_1);
        input = alloc.directBuffer(bytes.length).writeBytes(bytes);
        decoder = new EmbeddedChannel(new RequestDecoder(8192, 16384, null));
        encoder = new EmbeddedChannel(new HttpRequestEncoder());
        checks = new RequestChecks(100);
        scan = new HeadScan(8192, 16384, 100);
        if (scan.scan(input) != 0) {
            throw new IllegalStateException(scan.message);
        }
        String host = scan.host;
        forwarding = ("X-Forwarded-For: " + PEER + "\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: " + host
                + "\r\nForwarded: for=" + PEER + ";host=\"" + host + "\";proto=http\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        decoder.finishAndReleaseAll();
        encoder.finishAndReleaseAll();
        input.release();
    }

    @Benchmark
    public int today() {
        decoder.writeInbound(input.retainedDuplicate());
        HttpRequest req = decoder.readInbound();
        ReferenceCountUtil.release(decoder.readInbound()); // the empty last content
        int status = checks.check(req, false);
        HttpHeaders h = req.headers();
        int found = checks.found;
        for (int i = 0; found != 0 && i < RequestChecks.HOP_NAMES.length; i++) {
            if ((found & (1 << i)) != 0) {
                h.remove(RequestChecks.HOP_NAMES[i]);
            }
        }
        if (checks.connection != null) {
            Headers.removeListed(h, checks.connection);
        }
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
        h.set(X_FORWARDED_FOR, PEER);
        h.set(X_FORWARDED_PROTO, "http");
        h.set(X_FORWARDED_HOST, checks.host);
        h.set(FORWARDED, "for=" + PEER + ";host=\"" + checks.host + "\";proto=http");
        encoder.writeOutbound(req);
        encoder.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        int bytes = 0;
        for (Object o; (o = encoder.readOutbound()) != null; ) {
            bytes += ((ByteBuf) o).readableBytes();
            ReferenceCountUtil.release(o);
        }
        return bytes + status;
    }

    @Benchmark
    public int scanSlices() {
        ByteBuf in = input;
        int status = scan.scan(in);
        ByteBuf line = requestLine(in, 0);
        parts[0] = line;
        int n = 1;
        for (int r = 0, runs = keptRuns(); r < runs; r += 2) {
            parts[n++] = in.retainedSlice(this.runs[r], this.runs[r + 1]);
        }
        ByteBuf tail = alloc.directBuffer(forwarding.length).writeBytes(forwarding);
        parts[n++] = tail;
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            bytes += parts[i].readableBytes();
            parts[i].release();
            parts[i] = null;
        }
        return bytes + status;
    }

    @Benchmark
    public int scanCopy() {
        ByteBuf in = input;
        int status = scan.scan(in);
        ByteBuf out = requestLine(in, scan.end - scan.start + forwarding.length);
        for (int r = 0, runs = keptRuns(); r < runs; r += 2) {
            out.writeBytes(in, this.runs[r], this.runs[r + 1]);
        }
        out.writeBytes(forwarding);
        int bytes = out.readableBytes();
        out.release();
        return bytes + status;
    }

    /**
     * The runs of consecutive header lines to write on (start, length pairs in {@link #runs}, CR LF included);
     * returns how many ints it wrote.
     */
    private int keptRuns() {
        int n = 0;
        int run = -1;
        for (int h = 0; h < scan.count; h++) {
            if (!scan.cut(h)) {
                if (run < 0) {
                    run = scan.nameStart(h);
                }
            } else if (run >= 0) {
                runs[n++] = run;
                runs[n++] = scan.nameStart(h) - run;
                run = -1;
            }
        }
        if (run >= 0) {
            runs[n++] = run;
            runs[n++] = scan.end - 2 - run;
        }
        return n;
    }

    /** {@code METHOD SP target SP HTTP/1.1 CRLF} in a new pooled buffer with {@code room} bytes more. */
    private ByteBuf requestLine(ByteBuf in, int room) {
        int method = scan.methodEnd - scan.start;
        int target = scan.targetEnd - scan.targetStart;
        ByteBuf b = alloc.directBuffer(method + target + 1 + HTTP_1_1_CRLF.length + room);
        b.writeBytes(in, scan.start, method).writeByte(' ').writeBytes(in, scan.targetStart, target)
                .writeBytes(HTTP_1_1_CRLF);
        return b;
    }
}
