package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.optiflow.lb.server.config.Cidr;
import io.optiflow.lb.server.config.ClientLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP/1.1 byte path ({@code lb.proxy.byte-forwarding}, {@link HeadForwarder}) against today's decoded path,
 * side by side: two data planes on the same backend, one per setting, the same bytes sent to each; what reaches the
 * backend and what the client gets back must be the same.
 */
@Timeout(60)
class ByteForwardingTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A backend that records each request (head and body, as received) and answers 200 with the path as body. */
    private static final class Recorder {
        final BlockingQueue<String> records = new LinkedBlockingQueue<>();
        final ServerSocket server;
        private final boolean hangUp;

        /** @param hangUp a request whose path holds {@code /hang} is recorded, then its connection closed unanswered */
        Recorder(String name, boolean hangUp) throws IOException {
            this.hangUp = hangUp;
            server = RawHttp.backend(name, this::serve);
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = RawHttp.readHead(in);
                    if (head.isEmpty()) {
                        return;
                    }
                    String body = readBody(in, head);
                    records.add(head + body);
                    String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                    if (hangUp && path.contains("/hang")) {
                        return;
                    }
                    if (path.contains("/slow")) {
                        Thread.sleep(200);
                    }
                    byte[] answer = path.getBytes(StandardCharsets.ISO_8859_1);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(answer);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the proxy closed the connection
            }
        }

        private static String readBody(InputStream in, String head) throws IOException {
            String length = RawHttp.headerValue(head, "content-length");
            if (length != null) {
                return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.ISO_8859_1);
            }
            if ("chunked".equalsIgnoreCase(RawHttp.headerValue(head, "transfer-encoding"))) {
                StringBuilder b = new StringBuilder();
                while (true) {
                    String size = RawHttp.readLine(in);
                    b.append(size).append("\r\n");
                    int n = Integer.parseInt(size.trim(), 16);
                    if (n == 0) {
                        String line;
                        while (!(line = RawHttp.readLine(in)).isEmpty()) {
                            b.append(line).append("\r\n");
                        }
                        return b.append("\r\n").toString();
                    }
                    b.append(new String(in.readNBytes(n + 2), StandardCharsets.ISO_8859_1));
                }
            }
            return "";
        }

        String next() throws InterruptedException {
            String r = records.poll(10, TimeUnit.SECONDS);
            assertTrue(r != null, "the backend received no request");
            return r;
        }
    }

    private StandaloneDataPlane plane(List<Integer> ports, boolean byteForwarding, int retries) throws Exception {
        StandaloneDataPlane p = new StandaloneDataPlane(ports, 5_000, 1, ClientLimits.DEFAULTS, byteForwarding,
                retries, List.of(Cidr.parse("127.0.0.2/32")));
        open.add(p);
        return p;
    }

    private Recorder recorder(String name, boolean hangUp) throws IOException {
        Recorder r = new Recorder(name, hangUp);
        open.add(r.server);
        return r;
    }

    /** Sends {@code request} on a new connection from {@code from}; returns the response (head and body). */
    private static String exchange(int port, String from, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            RawHttp.send(s, request);
            return RawHttp.readResponse(s);
        }
    }

    @Test
    void decoder_requestsTheBytePathTakes_joinsTheConnectionsPipelineOnlyWhenItHandsOver() throws Exception {
        Recorder backend = recorder("decoder", false);
        StandaloneDataPlane bytes = plane(List.of(backend.port()), true, 0);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", bytes.port), 5_000);
            s.setSoTimeout(10_000);
            for (String path : new String[] {"/a", "/b"}) {
                RawHttp.send(s, "GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n");
                assertTrue(RawHttp.readResponse(s).endsWith("\r\n\r\n" + path), path);
                assertTrue(backend.next().startsWith("GET " + path + " "));
            }
            Channel client = onlyClient(bytes);
            assertEquals("head-forwarder, no decoder", handlers(client), "a connection the byte path serves");
            RawHttp.send(s, "POST /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n");
            assertTrue(RawHttp.readResponse(s).endsWith("\r\n\r\n/chunked"));
            assertTrue(backend.next().endsWith("5\r\nhello\r\n0\r\n\r\n"), "the body, as sent");
            assertEquals("decoder", handlers(client), "handed over: the decoder in, the byte path out");
            RawHttp.send(s, "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
            assertTrue(RawHttp.readResponse(s).endsWith("\r\n\r\n/after"), "the decoded path serves on");
            assertTrue(backend.next().startsWith("GET /after "));
        }
    }

    private static Channel onlyClient(StandaloneDataPlane p) {
        List<Channel> open = new ArrayList<>();
        p.plane.clientConnections().forEach(open::add);
        assertEquals(1, open.size(), "client connections open");
        return open.get(0);
    }

    /** Which of the byte path's handler and the decoder the connection's pipeline holds, read on its event loop. */
    private static String handlers(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> {
            boolean forwarder = ch.pipeline().get(HeadForwarder.NAME) != null;
            boolean decoder = ch.pipeline().get(DataPlane.DECODER) != null;
            return forwarder ? (decoder ? "head-forwarder, decoder" : "head-forwarder, no decoder")
                    : decoder ? "decoder" : "neither";
        }).get(10, TimeUnit.SECONDS);
    }

    /** Requests the byte path takes, and some it hands to the decoded path (Upgrade, chunked, obs-fold). */
    private static final String[] FORWARDED = {
        "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
        "GET /p/q?x=1&y=%20 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: t/1\r\nAccept: */*\r\n"
                + "Accept-Language: en\r\nCookie: a=1; b=2\r\nCache-Control: no-cache\r\nTE: trailers\r\n"
                + "Connection: keep-alive, X-Drop\r\nX-Drop: 1\r\nKeep-Alive: 5\r\nProxy-Connection: x\r\n"
                + "Proxy-Authorization: y\r\nTrailer: z\r\nx-keep:  \t spaced  value \t \r\nx-empty:\r\n\r\n",
        "GET /f HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1, 10.0.0.2\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: orig\r\nForwarded: for=10.0.0.1\r\nX-Forwarded-For: 10.0.0.3\r\n\r\n",
        "GET /f2 HTTP/1.1\r\nHost: h\r\nX-Forwarded-For:\r\nForwarded: for=x\r\n\r\n",
        "GET /obs HTTP/1.1\r\nHost: h\r\nX-Name: caf\u00e9 \u00ff\r\n\r\n",
        "GET  /sep HTTP/1.1\r\nHost: h\r\nX-Tab:\tv\r\nX-Trail: v \r\nX-Canon: c\r\nX-Two:  v\r\nX-Last: l\r\n\r\n",
        "GET http://example.com/abs?q HTTP/1.1\r\nHost: example.com\r\n\r\n",
        "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n",
        "GET /ten HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n",
        "GET /ten-hostless HTTP/1.0\r\nUser-Agent: old\r\n\r\n",
        "POST /post HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /zeros HTTP/1.1\r\nHost: h\r\nContent-Length: 005\r\nX-After: 1\r\n\r\nhello",
        "POST /empty HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
        "POST /ten-body HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc",
        "PURGE /m HTTP/1.1\r\nHost: h\r\nconnection: close\r\n\r\n",
        "GET /up HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n",
        "POST /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "GET /fold HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n",
    };

    /** Requests both paths refuse (the byte path hands them to the decoder, which answers). */
    private static final String[] REFUSED = {
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\r\n",
        "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: h\r\n\r\n",
    };

    @Test
    void requests_onBothPaths_reachTheBackendAndAreAnsweredTheSame() throws Exception {
        Recorder backend = recorder("same", false);
        StandaloneDataPlane decoded = plane(List.of(backend.port()), false, 0);
        StandaloneDataPlane bytes = plane(List.of(backend.port()), true, 0);
        for (String from : new String[] {"127.0.0.1", "127.0.0.2"}) { // an ordinary client, then a trusted proxy
            for (String request : FORWARDED) {
                String answerDecoded = exchange(decoded.port, from, request);
                String seenDecoded = backend.next();
                String answerBytes = exchange(bytes.port, from, request);
                String seenBytes = backend.next();
                assertEquals(seenDecoded, seenBytes, "what the backend received from " + from + " for " + request);
                assertEquals(answerDecoded, answerBytes, "the answer to " + from + " for " + request);
                assertTrue(answerBytes.matches("(?s)HTTP/1\\.[01] 200 .*"), answerBytes);
            }
        }
        for (String request : REFUSED) {
            String answerDecoded = exchange(decoded.port, "127.0.0.1", request);
            String answerBytes = exchange(bytes.port, "127.0.0.1", request);
            assertEquals(answerDecoded, answerBytes, "the answer to " + request);
            assertTrue(answerBytes.startsWith("HTTP/1.1 4"), answerBytes);
        }
        assertTrue(backend.records.isEmpty(), "a refused request reached the backend: " + backend.records);
        String hostless = exchange(bytes.port, "127.0.0.1", "GET /h HTTP/1.0\r\n\r\n");
        assertTrue(hostless.matches("(?s)HTTP/1\\.[01] 200 .*"), hostless);
        String seen = backend.next();
        assertTrue(seen.matches("(?s).*\r\nhost: [^\r]*" + backend.port() + "\r\n\r\n"),
                "a hostless HTTP/1.0 request gets the backend's authority as Host, last: " + seen);
    }

    @Test
    void pipelinedRequests_acrossASwitchToTheDecodedPath_answeredInOrder() throws Exception {
        Recorder backend = recorder("pipe", false);
        StandaloneDataPlane bytes = plane(List.of(backend.port()), true, 0);
        try (Socket s = new Socket("127.0.0.1", bytes.port)) {
            s.setSoTimeout(10_000);
            RawHttp.send(s, "GET /first HTTP/1.1\r\nHost: h\r\n\r\n");
            assertTrue(RawHttp.readResponse(s).endsWith("/first"));
            assertEquals(1, bytes.plane.byteForwarders(), "the connection is on the byte path");
            backend.next();
            RawHttp.send(s, "GET /slow1 HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nbbb"
                    + "GET /slow2 HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nccc\r\n0\r\n\r\n"
                    + "GET /d HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nee");
            for (String path : new String[] {"/slow1", "/b", "/slow2", "/c", "/d", "/e"}) {
                String answer = RawHttp.readResponse(s);
                assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("\r\n\r\n" + path), answer);
            }
            assertEquals(0, bytes.plane.byteForwarders(), "the chunked request switched it to the decoded path");
        }
        List<String> seen = new ArrayList<>();
        backend.records.drainTo(seen);
        assertEquals(6, seen.size(), seen.toString());
        assertTrue(seen.get(1).endsWith("\r\n\r\nbbb"), seen.get(1));
        assertTrue(seen.get(3).endsWith("\r\n\r\n3\r\nccc\r\n0\r\n\r\n"), seen.get(3));
        assertTrue(seen.get(5).endsWith("\r\n\r\nee"), seen.get(5));
    }

    @Test
    void largeBody_onTheBytePath_arrivesWholeAndTheConnectionGoesOn() throws Exception {
        Recorder backend = recorder("large", false);
        StandaloneDataPlane bytes = plane(List.of(backend.port()), true, 0);
        byte[] body = new byte[300_000];
        new Random(8).nextBytes(body);
        try (Socket s = new Socket("127.0.0.1", bytes.port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /large HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < body.length; i += 10_000) {
                out.write(body, i, 10_000);
                out.flush();
            }
            assertTrue(RawHttp.readResponse(s).endsWith("/large"));
            String seen = backend.next();
            assertEquals(new String(body, StandardCharsets.ISO_8859_1), seen.substring(seen.indexOf("\r\n\r\n") + 4));
            RawHttp.send(s, "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
            assertTrue(RawHttp.readResponse(s).endsWith("/after"));
        }
    }

    @Test
    void backendClosingBeforeAnswering_onBothPaths_retriedByTheSameRules() throws Exception {
        List<String> outcomes = new ArrayList<>();
        for (boolean byteForwarding : new boolean[] {false, true}) {
            Recorder hangsUp = recorder("hang", true);
            Recorder answers = recorder("answer", false);
            StandaloneDataPlane p = plane(List.of(hangsUp.port(), answers.port()), byteForwarding, 1);
            StringBuilder outcome = new StringBuilder();
            // Two of each: round robin starts one of them on the backend that hangs up.
            for (String request : new String[] {"GET /hang HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET /hang HTTP/1.1\r\nHost: h\r\n\r\n",
                "POST /hang HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nxy",
                "POST /hang HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nxy"}) {
                String answer = exchange(p.port, "127.0.0.1", request);
                outcome.append(answer, 0, 12).append(';');
            }
            List<String> first = new ArrayList<>();
            hangsUp.records.drainTo(first);
            List<String> second = new ArrayList<>();
            answers.records.drainTo(second);
            outcomes.add(outcome.toString());
            assertTrue(second.size() == 3 && first.size() >= 2, first + " / " + second);
            // the GET retried on the second backend carried the same head
            assertTrue(second.containsAll(first.stream().filter(r -> r.startsWith("GET")).toList()),
                    first + " / " + second);
        }
        assertEquals(outcomes.get(0), outcomes.get(1));
        assertEquals("HTTP/1.1 200;HTTP/1.1 200;HTTP/1.1 502;HTTP/1.1 200;", outcomes.get(1));
    }
}
