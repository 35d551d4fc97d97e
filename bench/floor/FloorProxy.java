/*
 * The floor of a Java data plane on this stack, for issue 8's goal 1: two proxies on the same Netty (4.1, NIO or
 * epoll) as OptiFlow's data plane, doing strictly less than any HTTP load balancer does, to measure against HAProxy
 * in the same anchors.sh run.
 *
 *   tcp   a layer-4 splice: each client connection gets one backend connection (round robin) on the same event
 *         loop, and bytes are copied both ways as they come; no parsing at all. Per request it makes the same four
 *         socket calls an HTTP proxy with keep-alive pools makes (client read, backend write, backend read, client
 *         write), so nothing built on this stack can do a request with less work.
 *   http  a minimal HTTP/1.1 reverse proxy: Netty's HttpServerCodec and HttpClientCodec, a keep-alive pool of
 *         backend connections per event loop, round robin, messages forwarded as Netty decodes them; no limits,
 *         no timeouts, no metrics, no hop-by-hop handling (the issue's "minimal Java reverse proxy" reference).
 *   raw   HTTP/1.1 forwarded as bytes (HAProxy's way): the head is found and scanned in place for its length, and
 *         sent on as received with one forwarding line added; bodies by Content-Length only, a request or
 *         response with another framing closes the connection. Per-loop keep-alive pool, round robin. What a
 *         proxy that does not decode heads into header objects would cost, without any of its defences.
 *
 * Not part of the product; a benchmark tool started by bench/floor.sh:
 *   java -cp "lb-server/target/quarkus-app/lib/main/*" bench/floor/FloorProxy.java \
 *        --mode tcp|http|raw --port 8099 --backends 127.0.0.1:9001,127.0.0.1:9002 [--threads 2] [--transport nio|epoll]
 */

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public final class FloorProxy {

    private final List<InetSocketAddress> backends;
    private final Class<? extends SocketChannel> socketType;
    private int next;

    private FloorProxy(List<InetSocketAddress> backends, Class<? extends SocketChannel> socketType) {
        this.backends = backends;
        this.socketType = socketType;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        String mode = opts.getOrDefault("--mode", "tcp");
        int port = Integer.parseInt(opts.getOrDefault("--port", "8099"));
        int threads = Integer.parseInt(opts.getOrDefault("--threads", "2"));
        List<InetSocketAddress> backends = new ArrayList<>();
        for (String b : opts.getOrDefault("--backends", "127.0.0.1:9001").split(",")) {
            String[] hp = b.trim().replaceFirst("^http://", "").split(":");
            backends.add(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
        }
        EventLoopGroup group;
        Class<? extends ServerChannel> serverType;
        Class<? extends SocketChannel> socketType;
        if ("epoll".equals(opts.get("--transport"))) {
            // Loaded by name so the NIO variant needs no epoll jars on the class path.
            group = (EventLoopGroup) Class.forName("io.netty.channel.epoll.EpollEventLoopGroup")
                    .getConstructor(int.class).newInstance(threads);
            serverType = Class.forName("io.netty.channel.epoll.EpollServerSocketChannel")
                    .asSubclass(ServerChannel.class);
            socketType = Class.forName("io.netty.channel.epoll.EpollSocketChannel").asSubclass(SocketChannel.class);
        } else {
            group = new NioEventLoopGroup(threads);
            serverType = NioServerSocketChannel.class;
            socketType = NioSocketChannel.class;
        }
        FloorProxy proxy = new FloorProxy(backends, socketType);
        ServerBootstrap server = new ServerBootstrap()
                .group(group)
                .channel(serverType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if ("http".equals(mode)) {
                            ch.pipeline().addLast(new HttpServerCodec(), proxy.new HttpFront());
                        } else if ("raw".equals(mode)) {
                            ch.pipeline().addLast(proxy.new RawFront());
                        } else {
                            ch.config().setAutoRead(false);
                            ch.pipeline().addLast(proxy.new TcpFront());
                        }
                    }
                });
        Channel listener = server.bind("127.0.0.1", port).sync().channel();
        System.out.println("floor proxy (" + mode + ", " + socketType.getSimpleName() + ", " + threads
                + " loops) on 127.0.0.1:" + port + " -> " + backends);
        listener.closeFuture().sync();
    }

    private synchronized InetSocketAddress nextBackend() {
        InetSocketAddress b = backends.get(next);
        next = (next + 1) % backends.size();
        return b;
    }

    /** Connects to the next backend on {@code loop}, with {@code handlers} (new ones, for this connection) as its pipeline. */
    private ChannelFuture connectBackend(EventLoop loop, ChannelHandler... handlers) {
        return new Bootstrap()
                .group(loop)
                .channel(socketType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handlers);
                    }
                })
                .connect(nextBackend());
    }

    /** Idle backend connections of the current event loop (either HTTP mode's), touched by that loop only. */
    private static final FastThreadLocal<ArrayDeque<Channel>> IDLE = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<Channel> initialValue() {
            return new ArrayDeque<>();
        }
    };

    /** Copies what one side reads to the other side, flushing once per read cycle. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            peer.write(msg, peer.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Layer 4: one backend connection per client connection, on the client connection's event loop. */
    private final class TcpFront extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            connectBackend(client.eventLoop(), new Relay(client))
                    .addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            client.close();
                            return;
                        }
                        client.pipeline().replace(this, "relay", new Relay(f.channel()));
                        client.config().setAutoRead(true);
                    });
        }
    }

    /** Minimal HTTP/1.1: requests forwarded over a per-loop keep-alive pool, one request at a time per connection. */
    private final class HttpFront extends ChannelInboundHandlerAdapter {
        private Channel client;
        private Channel backend;
        private ArrayDeque<Object> pending;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            client = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (pending != null) {
                pending.add(msg);
                return;
            }
            if (msg instanceof HttpRequest) {
                backend = IDLE.get().poll();
                if (backend == null || !backend.isActive()) {
                    connect(msg);
                    return;
                }
            }
            if (backend == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            forward(msg);
        }

        /** Opens a backend connection; what the client sends meanwhile waits in order. */
        private void connect(Object first) {
            pending = new ArrayDeque<>();
            pending.add(first);
            client.config().setAutoRead(false);
            connectBackend(client.eventLoop(), new HttpClientCodec(), new HttpBack())
                    .addListener((ChannelFutureListener) f -> {
                        ArrayDeque<Object> queued = pending;
                        pending = null;
                        if (!f.isSuccess()) {
                            queued.forEach(ReferenceCountUtil::release);
                            client.close();
                            return;
                        }
                        backend = f.channel();
                        queued.forEach(this::forward);
                        client.config().setAutoRead(true);
                    });
        }

        private void forward(Object msg) {
            if (msg instanceof HttpRequest) {
                backend.pipeline().get(HttpBack.class).client = client;
            }
            if (msg instanceof LastHttpContent) {
                backend.writeAndFlush(msg, backend.voidPromise());
            } else {
                backend.write(msg, backend.voidPromise());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The backend side of the minimal HTTP proxy: responses go to the client that asked; the end frees the connection. */
    private static final class HttpBack extends ChannelInboundHandlerAdapter {
        Channel client;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HttpObject) || client == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof LastHttpContent) {
                client.writeAndFlush(msg, client.voidPromise());
                client = null;
                IDLE.get().add(ctx.channel());
            } else {
                client.write(msg, client.voidPromise());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (client != null) {
                client.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Index just past the blank line ending a head that starts at the reader index, or -1 while incomplete. */
    static int headEnd(ByteBuf buf) {
        int to = buf.writerIndex();
        for (int i = buf.indexOf(buf.readerIndex(), to, (byte) '\n'); i >= 0; i = buf.indexOf(i + 1, to, (byte) '\n')) {
            if (i + 1 < to && buf.getByte(i + 1) == '\n') {
                return i + 2;
            }
            if (i + 2 < to && buf.getByte(i + 1) == '\r' && buf.getByte(i + 2) == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /**
     * The body length a head declares: its Content-Length, 0 if it has none, -1 for a framing this tool does not
     * forward (Transfer-Encoding).
     */
    static long bodyLength(ByteBuf buf, int start, int end) {
        long length = 0;
        int line = buf.indexOf(start, end, (byte) '\n') + 1;
        while (line > 0 && line < end) {
            int eol = buf.indexOf(line, end, (byte) '\n');
            if (eol < 0) {
                break;
            }
            byte first = (byte) (buf.getByte(line) | 0x20);
            if (first == 'c' && regionIs(buf, line, "content-length:")) {
                length = 0;
                for (int i = line + 15; i < eol; i++) {
                    byte b = buf.getByte(i);
                    if (b >= '0' && b <= '9') {
                        length = length * 10 + (b - '0');
                    }
                }
            } else if (first == 't' && regionIs(buf, line, "transfer-encoding:")) {
                return -1;
            }
            line = eol + 1;
        }
        return length;
    }

    private static boolean regionIs(ByteBuf buf, int at, String lowerName) {
        if (at + lowerName.length() > buf.writerIndex()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            if ((buf.getByte(at + i) | 0x20) != (lowerName.charAt(i) | 0x20)) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] FORWARDED_FOR = "X-Forwarded-For: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One direction of raw HTTP/1.1: heads found in place, bodies counted down; what is forwarded is the bytes. */
    private abstract static class RawSide extends ChannelInboundHandlerAdapter {
        private ByteBuf cumulation;
        private long bodyLeft;
        private boolean inBody;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            if (cumulation != null) {
                cumulation.writeBytes(in);
                in.release();
                in = cumulation;
                cumulation = null;
            }
            while (in.isReadable()) {
                if (inBody) {
                    int n = (int) Math.min(bodyLeft, in.readableBytes());
                    sendBody(ctx, in.readRetainedSlice(n));
                    bodyLeft -= n;
                    if (bodyLeft == 0) {
                        inBody = false;
                        messageDone(ctx);
                    }
                    continue;
                }
                int end = headEnd(in);
                if (end < 0) {
                    cumulation = ctx.alloc().buffer(Math.max(1024, in.readableBytes() * 2));
                    cumulation.writeBytes(in);
                    break;
                }
                long length = bodyLength(in, in.readerIndex(), end);
                if (length < 0) {
                    in.release();
                    ctx.close();
                    return;
                }
                ByteBuf head = in.readRetainedSlice(end - in.readerIndex());
                bodyLeft = length;
                inBody = length > 0;
                sendHead(ctx, head);
                if (!inBody) {
                    messageDone(ctx);
                }
            }
            in.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (cumulation != null) {
                cumulation.release();
                cumulation = null;
            }
            closed(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        abstract void sendHead(ChannelHandlerContext ctx, ByteBuf head);

        abstract void sendBody(ChannelHandlerContext ctx, ByteBuf body);

        abstract void messageDone(ChannelHandlerContext ctx);

        abstract void closed(ChannelHandlerContext ctx);
    }

    /** Raw client side: a head goes to a pooled backend connection with a forwarding line added. */
    private final class RawFront extends RawSide {
        private Channel backend;

        @Override
        void sendHead(ChannelHandlerContext ctx, ByteBuf head) {
            Channel client = ctx.channel();
            backend = IDLE.get().poll();
            if (backend != null && backend.isActive()) {
                send(client, head);
                return;
            }
            backend = null;
            client.config().setAutoRead(false);
            connectBackend(client.eventLoop(), new RawBack())
                    .addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            head.release();
                            client.close();
                            return;
                        }
                        backend = f.channel();
                        send(client, head);
                        backend.flush();
                        client.config().setAutoRead(true);
                    });
        }

        private void send(Channel client, ByteBuf head) {
            backend.pipeline().get(RawBack.class).client = client;
            // the head without its blank line, then the forwarding line and the blank line
            backend.write(head.retainedSlice(head.readerIndex(), head.readableBytes() - 2), backend.voidPromise());
            head.release();
            backend.write(Unpooled.wrappedBuffer(FORWARDED_FOR), backend.voidPromise());
        }

        @Override
        void sendBody(ChannelHandlerContext ctx, ByteBuf body) {
            if (backend == null) {  // a body while the backend connection opens: not forwarded by this tool
                body.release();
                ctx.close();
                return;
            }
            backend.write(body, backend.voidPromise());
        }

        @Override
        void messageDone(ChannelHandlerContext ctx) {
            if (backend != null) {  // else flushed once connected
                backend.flush();
            }
        }

        @Override
        void closed(ChannelHandlerContext ctx) {
            if (backend != null && backend.pipeline().get(RawBack.class).client == ctx.channel()) {
                backend.close();
            }
        }
    }

    /** Raw backend side: the response goes to the client that asked; its end returns the connection to the pool. */
    private static final class RawBack extends RawSide {
        Channel client;

        @Override
        void sendHead(ChannelHandlerContext ctx, ByteBuf head) {
            client.write(head, client.voidPromise());
        }

        @Override
        void sendBody(ChannelHandlerContext ctx, ByteBuf body) {
            client.write(body, client.voidPromise());
        }

        @Override
        void messageDone(ChannelHandlerContext ctx) {
            client.flush();
            client = null;
            IDLE.get().add(ctx.channel());
        }

        @Override
        void closed(ChannelHandlerContext ctx) {
            if (client != null) {
                client.close();
            }
        }
    }
}
