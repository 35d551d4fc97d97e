package io.optiflow.lb.blackbox.harness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Mutated HTTP/1.1 requests for parser fuzzing, reproducible from a seed: each case starts from one of a few
 * well-formed requests (with a unique path marker) and gets one to three mutations: flipped bytes, duplicated and
 * reordered header lines, bad chunk sizes, odd whitespace, NUL and bare CR/LF in odd places, conflicting framing
 * headers, odd request lines, truncation.
 */
public final class RequestMutator {

    private static final String[] FRAMING = {
        "Transfer-Encoding: chunked", "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: gzip, chunked",
        "Transfer-Encoding: xchunked", "Transfer-Encoding : chunked", "Transfer-Encoding:\tchunked",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity", "transfer-encoding: CHUNKED",
        "Content-Length: 5", "Content-Length: 05", "Content-Length: 5, 5", "Content-Length: +5", "Content-Length: -1",
        "Content-Length: 5\r\nContent-Length: 6", "Content-Length: 99999999999999999999", "Content-Length:5",
        "Content-Length: 0x5", "Content-Length: 5 ", " Content-Length: 5", "Content-Length\t: 5",
        "X-Folded: a\r\n b", "Host: second.example", "Expect: 100-continue", "Connection: close, upgrade",
        "Upgrade: h2c", "Trailer: Content-Length"};
    private static final String[] CHUNK_SIZES = {"-1", "0x5", "ffffffffffffffff", " 5", "5 ", "5;ext=1", "5\u0000",
        "", "g", "00000000000000000005", "5\r"};
    private static final String[] REQUEST_LINES = {"GET %s HTTP/1.0", "GET %s HTTP/2.0", "get %s HTTP/1.1",
        "GET  %s HTTP/1.1", "GET %s  HTTP/1.1", "GET http://localhost%s HTTP/1.1", "GET %s", "GET\t%s HTTP/1.1",
        "CONNECT localhost:80 HTTP/1.1", "OPTIONS * HTTP/1.1", "G\u0000T %s HTTP/1.1", "GET %s HTTP/1.1 extra",
        "GET %s?a=%%00 HTTP/1.1", "GET /%%2e%%2e/%s HTTP/1.1"};

    private final Random random;

    public RequestMutator(long seed) {
        this.random = new Random(seed);
    }

    /** Case {@code n}: a well-formed seed request for path {@code marker}, then mutated. */
    public byte[] next(String marker) {
        List<String> lines = new ArrayList<>();
        String body = "";
        boolean chunked = false;
        switch (random.nextInt(4)) {
            case 0 -> lines.add("GET " + marker + " HTTP/1.1");
            case 1 -> {
                lines.add("POST " + marker + " HTTP/1.1");
                body = "hello";
                lines.add("Content-Length: 5");
            }
            case 2 -> {
                lines.add("POST " + marker + " HTTP/1.1");
                lines.add("Transfer-Encoding: chunked");
                chunked = true;
                body = "5\r\nhello\r\n0\r\n\r\n";
            }
            default -> {
                lines.add("PUT " + marker + " HTTP/1.1");
                body = "hi";
                lines.add("Content-Length: 2");
            }
        }
        lines.add(1, "Host: localhost");
        lines.add("User-Agent: fuzz");
        lines.add("Accept: */*");
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(9)) {
                case 0 -> lines.add(1 + random.nextInt(lines.size()), FRAMING[random.nextInt(FRAMING.length)]);
                case 1 -> lines.add(1 + random.nextInt(lines.size()), lines.get(1 + random.nextInt(lines.size() - 1)));
                case 2 -> Collections.swap(lines, 1 + random.nextInt(lines.size() - 1),
                        1 + random.nextInt(lines.size() - 1));
                case 3 -> {
                    if (chunked) {
                        body = CHUNK_SIZES[random.nextInt(CHUNK_SIZES.length)] + "\r\nhello\r\n0\r\n\r\n";
                    } else {
                        lines.add("Transfer-Encoding: chunked");
                        body = CHUNK_SIZES[random.nextInt(CHUNK_SIZES.length)] + "\r\nhello\r\n0\r\n\r\n";
                    }
                }
                case 4 -> lines.set(0, String.format(REQUEST_LINES[random.nextInt(REQUEST_LINES.length)], marker));
                case 5 -> {
                    int i = 1 + random.nextInt(lines.size() - 1);
                    String l = lines.get(i);
                    String[] odd = {" ", "\t", "\u0000", "\r", "\n", ":", "\u00ff"};
                    int at = random.nextInt(l.length() + 1);
                    lines.set(i, l.substring(0, at) + odd[random.nextInt(odd.length)] + l.substring(at));
                }
                case 6 -> lines.add(1 + random.nextInt(lines.size()), "X-Pad: " + "a".repeat(random.nextInt(40)));
                case 7 -> lines.remove(1 + random.nextInt(lines.size() - 1)); // may drop Host or the framing
                default -> {
                    // byte flips are applied below, to the whole request
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String l : lines) {
            out.writeBytes(l.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(random.nextInt(40) == 0 ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body.getBytes(StandardCharsets.ISO_8859_1));
        byte[] bytes = out.toByteArray();
        if (random.nextInt(4) == 0) {
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            }
        }
        if (random.nextInt(20) == 0) {
            bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        return bytes;
    }
}
