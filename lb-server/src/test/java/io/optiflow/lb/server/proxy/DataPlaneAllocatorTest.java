package io.optiflow.lb.server.proxy;

import static io.optiflow.lb.server.proxy.RawHttp.readHead;
import static io.optiflow.lb.server.proxy.RawHttp.readResponse;
import static io.optiflow.lb.server.proxy.RawHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which buffer allocator the data plane's channels use: adaptive unless {@code io.netty.allocator.type} is given. */
@Timeout(30)
class DataPlaneAllocatorTest {

    private static final int BODY = 200 * 1024;

    @Test
    void allocator_noTypeGiven_isNettysAdaptiveAllocator() {
        assertInstanceOf(AdaptiveByteBufAllocator.class, DataPlane.allocator(null));
        assertInstanceOf(AdaptiveByteBufAllocator.class, DataPlane.allocator(" "));
    }

    @Test
    void allocator_typeGiven_isNettysDefaultOfThatType() {
        assertSame(ByteBufAllocator.DEFAULT, DataPlane.allocator("pooled"));
        assertSame(ByteBufAllocator.DEFAULT, DataPlane.allocator("adaptive"));
    }

    @Test
    void proxiedResponse_noTypeGiven_buffersComeFromTheAdaptiveAllocator() throws Exception {
        // The test JVM is started without io.netty.allocator.type, as the server is by default.
        AdaptiveByteBufAllocator adaptive = assertInstanceOf(AdaptiveByteBufAllocator.class, DataPlane.ALLOCATOR);
        try (ServerSocket backend = RawHttp.backend("allocator-backend", DataPlaneAllocatorTest::serve);
             StandaloneDataPlane proxy = new StandaloneDataPlane(List.of(backend.getLocalPort()), 20_000, 1);
             Socket c = new Socket("127.0.0.1", proxy.port)) {
            assertSame(DataPlane.ALLOCATOR,
                    proxy.plane.backendBootstrap().config().options().get(ChannelOption.ALLOCATOR));
            c.setSoTimeout(5000);
            send(c, "GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
            String response = readResponse(c);
            assertTrue(response.startsWith("HTTP/1.1 200 "), response.substring(0, 40));
            assertEquals(BODY, response.length() - response.indexOf("\r\n\r\n") - 4);
            assertTrue(adaptive.metric().usedDirectMemory() + adaptive.metric().usedHeapMemory() > 0,
                    "the proxied bytes went through the adaptive allocator");
        }
    }

    private static void serve(Socket s) {
        try (s) {
            if (readHead(s.getInputStream()).isEmpty()) {
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BODY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[BODY]);
            out.flush();
            s.getInputStream().read(); // until the proxy closes or the test ends
        } catch (IOException e) {
            // the test is over
        }
    }
}
