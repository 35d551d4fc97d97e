package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.ThreadLocalRandom;

/**
 * WebSocket close frames with status 1001 (going away, RFC 6455 §7.4.1), for a tunnel the proxy ends at shutdown.
 * The proxy does not parse the frames it tunnels, so a close frame is sent where the tunnel stands; a peer in the
 * middle of a large frame sees a protocol error rather than a clean close, and both sides are closed after it.
 */
final class WebSocketClose {

    private WebSocketClose() {
    }

    /** Server to client: unmasked. */
    static ByteBuf goingAway() {
        return Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xE9});
    }

    /** Client to server: masked, as RFC 6455 requires of a client. */
    static ByteBuf maskedGoingAway() {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        return Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, (byte) 0x82, mask[0], mask[1], mask[2], mask[3],
            (byte) (0x03 ^ mask[0]), (byte) (0xE9 ^ mask[1])});
    }
}
