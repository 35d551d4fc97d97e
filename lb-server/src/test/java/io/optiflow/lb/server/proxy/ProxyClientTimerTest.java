package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.RawHttp.headerValue;
import static io.optiflow.lb.server.proxy.RawHttp.readHead;
import static io.optiflow.lb.server.proxy.RawHttp.readResponse;
import static io.optiflow.lb.server.proxy.RawHttp.send;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.config.ClientLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client timer of a plain-text HTTP/1.1 connection, which leaves the pipeline and has its bytes counted by the
 * request decoder: a body that keeps coming fast enough is never taken for a stalled or crawling one. (The stalled
 * and crawling ones are cut: SlowClientsIT.)
 */
@Timeout(30)
class ProxyClientTimerTest {

    /** Body deadlines of one second, at least 1,000 bytes/s; the rest as by default. */
    private static final ClientLimits SHORT = new ClientLimits(10_000, 1_000, 1_000, 60_000, 10_000, 10_000, 1_000,
            2_000, 100, 200, 30_000, 10_000);

    @Test
    void plainTextBody_steadilyAboveTheMinRateForLongerThanTheIdleTimeout_isForwardedWhole() throws Exception {
        try (ServerSocket backend = RawHttp.backend("timer-backend", ProxyClientTimerTest::countBody);
             StandaloneDataPlane proxy = new StandaloneDataPlane(List.of(backend.getLocalPort()), 20_000, 1, SHORT);
             Socket c = new Socket("127.0.0.1", proxy.port)) {
            c.setSoTimeout(10_000);
            // 2.5 s of body at 3,000 bytes/s: longer than the idle timeout, three times the minimum rate.
            send(c, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 7500\r\n\r\n");
            for (int i = 0; i < 25; i++) {
                send(c, "x".repeat(300));
                Thread.sleep(100);
            }
            String r = readResponse(c);
            assertTrue(r.startsWith("HTTP/1.1 200") && r.endsWith("len=7500"), r);
            // The connection goes on: the next request on it is answered too.
            send(c, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
            String next = readResponse(c);
            assertTrue(next.startsWith("HTTP/1.1 200") && next.endsWith("len=3"), next);
        }
    }

    /** Reads each request's Content-Length body and answers {@code len=<bytes read>}. */
    private static void countBody(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String head;
            while (!(head = readHead(in)).isEmpty()) {
                String length = headerValue(head, "content-length");
                int n = in.readNBytes(length == null ? 0 : Integer.parseInt(length)).length;
                byte[] body = ("len=" + n).getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the proxy closed the connection, or the test is over
        }
    }
}
