package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.RawHttp.readHead;
import static io.optiflow.lb.server.proxy.RawHttp.readResponse;
import static io.optiflow.lb.server.proxy.RawHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data plane's transports. The epoll native library is 4.1.137's beside 4.1.138's classes (docs/data-plane.md):
 * when a Netty upgrade changes the classes so that the library no longer loads, this fails instead of the data plane
 * quietly falling back to NIO. Both transports proxy a request, and with epoll every event loop has a listener.
 */
@Timeout(30)
class EpollTransportTest {

    @Test
    void epoll_onLinuxX86_64_nativeLibraryLoads() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").equals("amd64"), "epoll is Linux x86_64 only");
        assertTrue(Epoll.isAvailable(), "the epoll native library must load with this Netty's classes: "
                + Epoll.unavailabilityCause());
    }

    @Test
    void bothTransports_getProxied_andEpollListensOnEveryLoop() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> serveOk(backend), "transport-backend");
            t.setDaemon(true);
            t.start();
            for (boolean nioOnly : new boolean[] {false, true}) {
                try (StandaloneDataPlane proxy = new StandaloneDataPlane(List.of(backend.getLocalPort()), 10_000, 2,
                        nioOnly)) {
                    String expected = nioOnly || !Epoll.isAvailable() ? "nio" : "epoll";
                    assertEquals(expected, proxy.plane.transport());
                    assertEquals(expected.equals("epoll") ? 2 : 1, proxy.plane.listenerCount(), "listeners");
                    // Fresh connections, so that with SO_REUSEPORT both listeners are very likely to take some.
                    for (int i = 0; i < 20; i++) {
                        try (Socket c = new Socket("127.0.0.1", proxy.port)) {
                            c.setSoTimeout(5000);
                            send(c, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
                            String r = readResponse(c);
                            assertTrue(r.startsWith("HTTP/1.1 200") && r.endsWith("ok"), expected + ": " + r);
                        }
                    }
                    proxy.plane.stopAccepting().get();
                    assertEquals(-1, proxy.plane.port(), expected + ": every listener closed");
                }
            }
        }
    }

    /** A keep-alive backend answering "ok" to everything, a thread per connection. */
    private static void serveOk(ServerSocket backend) {
        while (!backend.isClosed()) {
            try {
                Socket s = backend.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream();
                        while (!readHead(in).isEmpty()) {
                            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                    .getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                        }
                    } catch (IOException e) {
                        // connection gone
                    }
                }, "transport-backend-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // the test is over
            }
        }
    }
}
