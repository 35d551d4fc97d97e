package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;

/**
 * What {@link HeadScan} (request heads) and {@link ResponseScan} (response heads) share: the header lines of an
 * HTTP/1.1 head in the received buffer, checked and recorded in place (offsets into the buffer, in one reusable int
 * array), what each line is by its name, and the byte-level helpers both need. One instance per connection, reused.
 *
 * <p>The bytes are read from a copy: {@link #scanBuffer} copies the start of the readable bytes into a scratch array
 * with one {@code getBytes} and scans the array ({@link #a}, indexed by buffer index minus {@link #base}). Netty's
 * {@code getByte} checks bounds and the reference count on every byte, which the server's profile showed as the
 * byte path's largest single cost (docs/benchmarks.md, Session 8); the copy checks once per head and keeps both
 * checks. The copy is a window: it grows (and the head is scanned again) only while the verdict could depend on the
 * bytes left out, so a head followed by its body in the same read does not copy the body.
 *
 * <p>The copy and the line table are not the connection's: each scan borrows its thread's {@link Workspace} for its
 * kind of head (one for request heads, one for response heads). A scan and every use of what it found run within one
 * event of one connection (a read, or the end of the exchange before it), and no other scan of the same kind runs on
 * that thread in between: a request head is dispatched before its forwarder reads on ({@link RawHead#scan}), its
 * forwarder does not re-enter itself, and ending a response may scan the next request head but never another
 * response head. So an idle connection holds none of these arrays: about 2.9 KB less heap per idle client connection
 * (docs/benchmarks.md, "Memory per idle connection").
 */
abstract class HeadLines {

    /** {@link #scan}'s answer while the head has not ended and no rule has failed yet. */
    static final int NEED_MORE = -1;

    // What a header line is (kinds), by name; the hop-by-hop ones map to RequestChecks' bits.
    static final byte OTHER = 0;
    static final byte HOST = 1;
    static final byte CONTENT_LENGTH = 2;
    static final byte TRANSFER_ENCODING = 3;
    static final byte EXPECT = 4;
    static final byte CONNECTION = 5;
    static final byte UPGRADE = 6;
    static final byte TE = 7;
    static final byte TRAILER = 8;
    static final byte KEEP_ALIVE = 9;
    static final byte PROXY_CONNECTION = 10;
    static final byte PROXY_AUTHENTICATE = 11;
    static final byte PROXY_AUTHORIZATION = 12;
    static final byte X_FORWARDED_HOST = 13;
    static final byte X_FORWARDED_FOR = 14;
    static final byte X_FORWARDED_PROTO = 15;
    static final byte FORWARDED = 16;

    static final byte[][] KIND_NAMES = {null, bytes("host"), bytes("content-length"),
        bytes("transfer-encoding"), bytes("expect"), bytes("connection"), bytes("upgrade"), bytes("te"),
        bytes("trailer"), bytes("keep-alive"), bytes("proxy-connection"), bytes("proxy-authenticate"),
        bytes("proxy-authorization"), bytes("x-forwarded-host"), bytes("x-forwarded-for"), bytes("x-forwarded-proto"),
        bytes("forwarded")};

    /** Bits of byte classes, indexed by the byte (0-255). */
    static final byte[] CLASS = new byte[256];
    static final int TCHAR = 1;
    /** HTAB, SP, VCHAR, obs-text: what a header value may hold. */
    static final int VALUE = 2;
    /** {@code Character.isWhitespace}: what Netty trims and splits at. */
    static final int JAVA_SPACE = 4;
    /** {@code Character.isISOControl}. */
    static final int CONTROL = 8;
    /** Netty's request-line separators: SP, HTAB, VT, FF, CR. */
    static final int LINE_SEP = 16;

    static {
        for (int c = 0; c < 256; c++) {
            int k = 0;
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (alnum || (c < 128 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                k |= TCHAR;
            }
            if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
                k |= VALUE;
            }
            if (Character.isWhitespace((char) c)) {
                k |= JAVA_SPACE;
            }
            if (Character.isISOControl((char) c)) {
                k |= CONTROL;
            }
            if (c == ' ' || c == '\t' || c == 0x0b || c == 0x0c || c == '\r') {
                k |= LINE_SEP;
            }
            CLASS[c] = (byte) k;
        }
    }

    /** The first window (bytes) a scan copies; most heads (wrk's, nginx's, a browser's) fit in it. */
    static final int INITIAL_WINDOW = 1024;

    static final byte[] CHUNKED = bytes("chunked");
    static final byte[] CLOSE = bytes("close");
    static final byte[] KEEP_ALIVE_TOKEN = bytes("keep-alive");

    final int maxHeaderSize;
    /** Per header line: name start, name end, value start, value end (buffer indices); the workspace's, from a scan. */
    int[] lines = NO_LINES;
    /** What each line is, by its name; the workspace's, from a scan. */
    byte[] kinds = NO_KINDS;
    /** 0 (accepted), {@link #NEED_MORE}, or the status to answer and close with. */
    int status;
    String message;
    /** Where the head ends (after its empty line). */
    int end;
    /** Header lines found (may exceed what {@link #lines} holds; the subclass refuses such a head). */
    int count;
    /** The scanned bytes: {@code a[i - base]} is the buffer's byte {@code i}, for {@code base <= i < limit}. */
    byte[] a;
    int base;
    /** Where the bytes copied end (a buffer index): a scan reads nothing at or past it, as if the buffer ended there. */
    int limit;
    /** Where this kind of head is scanned on each thread. */
    private final FastThreadLocal<Workspace> workspaces;
    /** Header lines this kind of head may store: the line table holds 4 ints and 1 kind for each. */
    private final int storedLines;
    private final int keepMax;
    /** The names the Connection lines list ({@link #listedNames}): start and end of each. */
    private final int[] listed = new int[2 * 16];
    private static final int UNPARSED = -2;
    private int listedCount = UNPARSED;
    /** The element {@link #nextElement} found last. */
    int elementStart;
    int elementEnd;

    private static final int[] NO_LINES = new int[0];
    private static final byte[] NO_KINDS = new byte[0];

    /**
     * One thread's arrays for one kind of head: the copy, which grows to the largest head scanned on the thread (up
     * to the largest {@link #keepMax}), and the line table, sized for the last scanner that used it.
     */
    static final class Workspace {
        byte[] scratch = new byte[INITIAL_WINDOW];
        int[] lines = NO_LINES;
        byte[] kinds = NO_KINDS;
    }

    /** Per-thread workspaces for one kind of head (a subclass's constant). */
    static FastThreadLocal<Workspace> workspaces() {
        return new FastThreadLocal<>() {
            @Override
            protected Workspace initialValue() {
                return new Workspace();
            }
        };
    }

    HeadLines(int maxHeaderSize, int maxHeaderLines, FastThreadLocal<Workspace> workspaces) {
        this.maxHeaderSize = maxHeaderSize;
        this.storedLines = maxHeaderLines + 1;
        this.keepMax = Math.max(INITIAL_WINDOW, 2 * maxHeaderSize + 8192);
        this.workspaces = workspaces;
    }

    /**
     * Scans the head at {@code in}'s reader index through a copy of its first bytes ({@link #scanWindow} over
     * [{@link #base}, {@link #limit})); returns {@link #status}. An accepted head ended inside the window, so nothing
     * left out could change that verdict; any other verdict (need more, too large, a bad line) is taken again over a
     * window four times larger, up to all readable bytes: the verdict is the one the whole buffer gives.
     */
    final int scanBuffer(ByteBuf in) {
        Workspace w = workspaces.get();
        if (w.kinds.length != storedLines) {
            w.lines = new int[4 * storedLines]; // the first scan on this thread (or one with other limits, in tests)
            w.kinds = new byte[storedLines];
        }
        lines = w.lines;
        kinds = w.kinds;
        int readable = in.readableBytes();
        int n = Math.min(readable, w.scratch.length);
        while (true) {
            load(in, n, w);
            int verdict = scanWindow();
            if (verdict == 0 || n == readable) {
                return verdict;
            }
            n = (int) Math.min(readable, 4L * n);
        }
    }

    /** Scans the head in [{@link #base}, {@link #limit}) of {@link #a}; returns {@link #status}. */
    abstract int scanWindow();

    /** Copies the first {@code n} readable bytes of {@code in}: one bounds and reference-count check for them all. */
    private void load(ByteBuf in, int n, Workspace w) {
        byte[] s = w.scratch;
        if (n > s.length) {
            s = new byte[Math.max(n, Math.min(keepMax, 2 * s.length))];
            if (s.length <= keepMax) {
                w.scratch = s; // heads on this thread are larger: the next scan copies them in one window
            }
        }
        int r = in.readerIndex();
        in.getBytes(r, s, 0, n);
        listedCount = UNPARSED;
        a = s;
        base = r;
        limit = r + n;
    }

    /** The bytes {@code [from, to)} as a string (ISO-8859-1: one char per byte, as {@code ByteBuf.toString}). */
    final String text(int from, int to) {
        return new String(a, from - base, to - from, StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether header line {@code h} is written on exactly as it came: {@code name: value} with one SP after the
     * colon and nothing after the value before its CR LF (what a forwarder writes for it anyway).
     */
    final boolean canonical(int h) {
        int n = nameEnd(h);
        return valueStart(h) == n + 2 && b(n + 1) == ' ' && b(valueEnd(h)) == '\r';
    }

    /** A head over the size limit: the status and message to refuse it with. */
    abstract int tooLarge();

    /** A malformed line: the status and message to refuse the head with ({@code what} says what was wrong). */
    abstract int badLine(String what);

    /** Whether a Connection line lists the name of header line {@code header}. */
    final boolean listedByConnection(int header) {
        int from = nameStart(header);
        int to = nameEnd(header);
        int len = to - from;
        int n = listedNames();
        if (n >= 0) {
            int[] e = listed;
            for (int i = 0; i < 2 * n; i += 2) {
                if (e[i + 1] - e[i] == len && sameIgnoringCase(e[i], from, len)) {
                    return true;
                }
            }
            return false;
        }
        int stored = Math.min(count, kinds.length);
        for (int h = 0; h < stored; h++) {
            if (kinds[h] == CONNECTION && listsName(h, from, to)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The non-empty elements of the Connection lines, parsed once per scan into {@link #listed} (start and end of
     * each): how many, or -1 when there are more than it holds (then each lookup parses the lines again).
     */
    private int listedNames() {
        if (listedCount != UNPARSED) {
            return listedCount;
        }
        int n = 0;
        int stored = Math.min(count, kinds.length);
        for (int h = 0; h < stored && n >= 0; h++) {
            if (kinds[h] == CONNECTION) {
                for (int i = valueStart(h), end = valueEnd(h); i < end && n >= 0; ) {
                    i = nextElement(i, end);
                    if (elementEnd > elementStart) {
                        if (n == listed.length / 2) {
                            n = -1;
                        } else {
                            listed[2 * n] = elementStart;
                            listed[2 * n + 1] = elementEnd;
                            n++;
                        }
                    }
                }
            }
        }
        listedCount = n;
        return n;
    }

    int nameStart(int header) {
        return lines[4 * header];
    }

    int nameEnd(int header) {
        return lines[4 * header + 1];
    }

    int valueStart(int header) {
        return lines[4 * header + 2];
    }

    int valueEnd(int header) {
        return lines[4 * header + 3];
    }

    byte kind(int header) {
        return kinds[header];
    }

    /** The end of the line whose LF is at {@code lf} (before its CR), or -1: a bare LF, or a CR inside the line. */
    final int lineEnd(int from, int lf) {
        if (lf == from || b(lf - 1) != '\r') {
            return -1;
        }
        return indexOf(from, lf - 1, '\r') >= 0 ? -1 : lf - 1;
    }

    final int headerLines(int from, int w) {
        int size = 0;
        int p = from;
        while (true) {
            int lf = indexOf(p, w, '\n');
            if (lf < 0) {
                return size + (w - p) > maxHeaderSize ? tooLarge() : NEED_MORE;
            }
            if (size + (lf - p) - (lf > p && b(lf - 1) == '\r' ? 1 : 0) > maxHeaderSize) {
                return tooLarge();
            }
            int e = lineEnd(p, lf);
            if (e < 0) {
                return badLine("a line must end with CR LF (no bare CR or LF).");
            }
            if (e == p) {
                end = lf + 1;
                return 0;
            }
            size += e - p;
            if (headerLine(p, e) != 0) {
                return status;
            }
            p = lf + 1;
        }
    }

    private int headerLine(int from, int to) {
        int first = b(from);
        if (first == ' ' || first == '\t') {
            return badLine("a header line may not start with whitespace (obs-fold).");
        }
        int n = from;
        while (n < to && (CLASS[b(n)] & TCHAR) != 0) {
            n++;
        }
        if (n == from || n == to || b(n) != ':') {
            return badLine("a header name must be a token followed by a colon.");
        }
        int v = n + 1;
        while (v < to && (CLASS[b(v)] & JAVA_SPACE) != 0) {
            int c = b(v);
            if (c != ' ' && c != '\t') {
                return badLine("only SP and HTAB may precede a header value.");
            }
            v++;
        }
        int ve = to;
        while (ve > v && (CLASS[b(ve - 1)] & JAVA_SPACE) != 0) {
            int c = b(ve - 1);
            if (c != ' ' && c != '\t') {
                return badLine("only SP and HTAB may follow a header value.");
            }
            ve--;
        }
        for (int i = v; i < ve; i++) {
            if ((CLASS[b(i)] & VALUE) == 0) {
                return badLine("a header value holds a control character.");
            }
        }
        int h = count++;
        if (h < kinds.length) {
            int k = 4 * h;
            lines[k] = from;
            lines[k + 1] = n;
            lines[k + 2] = v;
            lines[k + 3] = ve;
            kinds[h] = kindOf(from, n);
        }
        return 0;
    }

    private byte kindOf(int from, int to) {
        int len = to - from;
        int c = b(from) | 0x20;
        byte k = switch (len) {
            case 2 -> TE;
            case 4 -> HOST;
            case 6 -> EXPECT;
            case 7 -> UPGRADE;
            case 9 -> FORWARDED;
            case 10 -> c == 'c' ? CONNECTION : KEEP_ALIVE;
            case 14 -> CONTENT_LENGTH;
            case 15 -> X_FORWARDED_FOR;
            case 16 -> c == 'x' ? X_FORWARDED_HOST : PROXY_CONNECTION;
            case 17 -> c == 't' ? TRANSFER_ENCODING : X_FORWARDED_PROTO;
            case 18 -> PROXY_AUTHENTICATE;
            case 19 -> PROXY_AUTHORIZATION;
            default -> OTHER;
        };
        if (k == UPGRADE && c == 't') {
            k = TRAILER;
        }
        return k != OTHER && equalsIgnoreCase(from, to, KIND_NAMES[k]) ? k : OTHER;
    }

    final int b(int i) {
        return a[i - base] & 0xff;
    }

    final boolean sameAscii(int from, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (b(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    final boolean equalsExactly(int from, int to, byte[] s) {
        if (to - from != s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (a[from - base + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} is lower case. */
    final boolean equalsIgnoreCase(int from, int to, byte[] s) {
        if (to - from != s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            int c = b(from + i);
            if (c != s[i] && ((c | 0x20) != s[i] || c < 'A' || c > 'Z')) {
                return false;
            }
        }
        return true;
    }

    /** Where byte {@code c} first is in {@code [from, to)}, or -1. */
    final int indexOf(int from, int to, char c) {
        byte[] bytes = a;
        int off = base;
        for (int i = from - off, end = to - off; i < end; i++) {
            if (bytes[i] == c) {
                return i + off;
            }
        }
        return -1;
    }

    /** Whether {@code token} (lower case) is one of the comma-separated elements of header {@code h}'s value. */
    final boolean containsToken(int h, byte[] token) {
        for (int i = valueStart(h), to = valueEnd(h); i < to; ) {
            i = nextElement(i, to);
            if (elementEnd > elementStart && equalsIgnoreCase(elementStart, elementEnd, token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finds the next comma-separated element of {@code [i, to)} (RFC 9110 §5.6.1, whitespace around it left out) into
     * {@link #elementStart} and {@link #elementEnd} (equal for an empty one); returns where the search goes on.
     */
    final int nextElement(int i, int to) {
        while (i < to && (b(i) == ' ' || b(i) == '\t' || b(i) == ',')) {
            i++;
        }
        int s = i;
        while (i < to && b(i) != ',') {
            i++;
        }
        int e = i;
        while (e > s && (b(e - 1) == ' ' || b(e - 1) == '\t')) {
            e--;
        }
        elementStart = s;
        elementEnd = e;
        return i;
    }

    /** Whether Connection line {@code h} lists the header name at {@code [from, to)}. */
    final boolean listsName(int h, int from, int to) {
        int len = to - from;
        for (int i = valueStart(h), end = valueEnd(h); i < end; ) {
            i = nextElement(i, end);
            if (elementEnd - elementStart == len && sameIgnoringCase(elementStart, from, len)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the bytes at {@code from} are {@code s}, ASCII letters in either case (as Netty compares names). */
    final boolean sameIgnoringCase(int from, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            int x = b(from + i);
            int y = s.charAt(i);
            if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) {
                return false;
            }
        }
        return true;
    }

    final boolean sameIgnoringCase(int a, int b, int len) {
        for (int i = 0; i < len; i++) {
            int x = b(a + i);
            int y = b(b + i);
            if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The transfer codings of Transfer-Encoding line {@code h}, following lines before it ({@code chunkedBefore}:
     * the last coding so far was chunked): 1 if its last coding is chunked, 0 if another, -1 if chunked comes before
     * another coding or twice (RFC 9112 §6.3: a request's chunked is its last coding).
     */
    final int codings(int h, boolean chunkedBefore) {
        boolean lastChunked = chunkedBefore;
        boolean any = false;
        for (int i = valueStart(h), to = valueEnd(h); i < to; ) {
            i = nextElement(i, to);
            if (elementEnd > elementStart) {
                if (lastChunked) {
                    return -1;
                }
                any = true;
                lastChunked = equalsIgnoreCase(elementStart, elementEnd, CHUNKED);
            }
        }
        return any ? (lastChunked ? 1 : 0) : (chunkedBefore ? 1 : 0);
    }

    /** What the decoder accepts as a Content-Length: 1-19 decimal digits within a long. */
    final boolean parsesAsLong(int from, int to) {
        int i = from;
        if (i == to) {
            return false;
        }
        long v = 0;
        for (; i < to; i++) {
            int c = b(i);
            if (c < '0' || c > '9') {
                return false;
            }
            if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                return false;
            }
            v = v * 10 + (c - '0');
        }
        return true;
    }

    final int fail(int s, String m) {
        status = s;
        message = m;
        return s;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
