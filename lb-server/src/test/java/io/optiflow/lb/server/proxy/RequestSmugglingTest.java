package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.LbTestSupport.clearRecords;
import static io.optiflow.lb.server.proxy.LbTestSupport.header;
import static io.optiflow.lb.server.proxy.LbTestSupport.raw;
import static io.optiflow.lb.server.proxy.LbTestSupport.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.proxy.LbTestSupport.RawResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Malformed and oversized requests, sent as raw bytes: the proxy must answer the documented status, close the
 * connection, and forward nothing, not even the request smuggled behind the first one.
 */
@QuarkusTest
@QuarkusTestResource(value = BackendFarm.class, restrictToAnnotatedClass = true)
@Timeout(60)
class RequestSmugglingTest {

    /** A second request hidden behind the first: must never reach the backend. */
    private static final String SMUGGLED = "GET /raw/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    @Inject
    ProxyServer proxy;

    @BeforeEach
    void clear() {
        clearRecords("w1");
    }

    private void assertRejected(String request, int status) {
        RawResponse r = raw(proxy.actualPort(), request);
        assertEquals(status, r.status(), "response was: " + r.text());
        assertTrue(r.closed(), "the proxy must close the connection after a " + status + "; got: " + r.text());
        assertEquals(List.of(), records("w1"), "nothing may reach the backend");
    }

    @Test
    void duplicateContentLength_sameValue_400AndNothingForwarded() {
        assertRejected("POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"
                + SMUGGLED, 400);
    }

    @Test
    void conflictingContentLength_400AndNothingForwarded() {
        assertRejected("POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 45\r\n\r\nhello"
                + SMUGGLED, 400);
    }

    @Test
    void contentLengthList_400AndNothingForwarded() {
        assertRejected("POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello" + SMUGGLED, 400);
    }

    @Test
    void transferEncodingAndContentLength_400AndNothingForwarded() {
        assertRejected("POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n" + SMUGGLED, 400);
    }

    @Test
    void transferEncodingGzip_400AndNothingForwarded() {
        assertRejected("POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n" + SMUGGLED, 400);
    }

    @Test
    void transferEncodingXchunked_400AndNothingForwarded() {
        assertRejected("POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + SMUGGLED, 400);
    }

    @Test
    void transferEncodingChunkedTwice_400AndNothingForwarded() {
        assertRejected("POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n" + SMUGGLED, 400);
    }

    @Test
    void transferEncodingChunkedThenGzip_400AndNothingForwarded() {
        assertRejected("POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n" + SMUGGLED,
                400);
    }

    @Test
    void missingHost_400AndNothingForwarded() {
        assertRejected("GET /raw HTTP/1.1\r\n\r\n", 400);
    }

    @Test
    void duplicateHost_400AndNothingForwarded() {
        assertRejected("GET /raw HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
    }

    @Test
    void versionNotExactlyHttp11OrHttp10_400AndNothingForwarded() {
        // the codec reads these as versions of their own, which skipped the Host check HTTP/1.1 has
        assertRejected("GET /raw hTTP/1.1\r\n\r\n", 400);
        assertRejected("GET /raw HTTP/2.0\r\nHost: a\r\n\r\n", 400);
    }

    @Test
    void targetWithAControlCharacterOrAByteAbove7f_400AndNothingForwarded() {
        assertRejected("GET /raw/\u00ff HTTP/1.1\r\nHost: a\r\n\r\n", 400);
        assertRejected("GET /raw/\u007f HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    }

    @Test
    void http10WithoutHost_forwardedWithTheBackendsAddressAsHost() {
        RawResponse r = raw(proxy.actualPort(), "GET /raw/old HTTP/1.0\r\n\r\n");
        assertEquals(200, r.status(), r.text());
        List<JsonObject> got = records("w1");
        assertEquals(1, got.size(), got.toString());
        List<String> host = header(got.get(0), "host");
        assertEquals(1, host.size(), "HTTP/1.1 to the backend needs a Host: " + got);
        assertTrue(host.get(0).matches("127\\.0\\.0\\.1:\\d+"), host.toString());
    }

    @Test
    void tooManyHeaders_431AndNothingForwarded() {
        StringBuilder sb = new StringBuilder("GET /raw HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 100; i++) {
            sb.append("X-H").append(i).append(": v\r\n");
        }
        assertRejected(sb.append("\r\n").toString(), 431);
    }

    @Test
    void headersTooLarge_431AndNothingForwarded() {
        assertRejected("GET /raw HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(17 * 1024) + "\r\n\r\n", 431);
    }

    @Test
    void requestLineTooLong_414AndNothingForwarded() {
        assertRejected("GET /raw?" + "q".repeat(9 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414);
    }

    @Test
    void chunkedBody_forwardedWholeAndNextRequestSeparately() {
        RawResponse r = raw(proxy.actualPort(), "POST /raw HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n" + "GET /raw/second HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertEquals(200, r.status(), r.text());
        List<JsonObject> got = records("w1");
        assertEquals(2, got.size(), "two requests in, two requests out: " + got);
        assertEquals("hello", got.get(0).getString("body"));
        assertEquals("/raw/second", got.get(1).getString("uri"));
    }

    @Test
    void expectContinue_answered100ThenBodyForwardedWithoutExpect() throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.actualPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] first = new byte[25];
            int n = s.getInputStream().read(first);
            String interim = new String(first, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
            assertTrue(interim.startsWith("HTTP/1.1 100"), "expected 100 Continue before sending the body, got: "
                    + interim);
            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            RawResponse rest = LbTestSupport.readAll(s);
            assertTrue(rest.text().contains("HTTP/1.1 200"), rest.text());
        }
        List<JsonObject> got = records("w1");
        assertEquals(1, got.size());
        assertEquals("hello", got.get(0).getString("body"));
        assertEquals(List.of(), header(got.get(0), "expect"), "Expect is the proxy's to answer, not forwarded");
    }
}
