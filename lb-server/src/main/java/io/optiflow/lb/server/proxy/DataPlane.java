package io.optiflow.lb.server.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsAckFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.optiflow.lb.server.accesslog.AccessLog;
import io.optiflow.lb.server.config.Cidr;
import io.optiflow.lb.server.config.ClientLimits;
import io.optiflow.lb.server.config.ProxySettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The data plane on Netty: one listener, a few event loops, each owning the client connections it accepted and the
 * backend connections those use (see docs/data-plane.md). Also the primitives a graceful shutdown is built from:
 * {@link #stopAccepting}, {@link #drainConnections}, {@link #inFlight}, {@link #awaitIdle}, {@link #closeTunnels},
 * {@link #close}. Its methods may be called from any thread.
 */
public final class DataPlane {

    static final String DECODER = "decoder";
    static final String ENCODER = "encoder";
    static final String CLIENT = "client";
    private static final byte[] REFUSED = ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
            + "Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 50\r\n\r\n"
            + "Too many connections to the load balancer; retry.\n").getBytes(StandardCharsets.US_ASCII);
    /** Largest body part handed on at once (bigger reads are split). */
    static final int MAX_CHUNK = 64 * 1024;
    /** Netty's property that names its default allocator ({@code pooled}, {@code unpooled}, {@code adaptive}). */
    static final String ALLOCATOR_TYPE = "io.netty.allocator.type";
    /**
     * The buffers of every data-plane channel, client and backend side: Netty's adaptive allocator (Netty 4.2's
     * default) unless {@value #ALLOCATOR_TYPE} names one. The pooled allocator's pinned-memory counters and buffer
     * objects cost the event loops more (docs/benchmarks.md, session 5).
     */
    static final ByteBufAllocator ALLOCATOR = allocator(System.getProperty(ALLOCATOR_TYPE));

    private final ProxySettings settings;
    private final RequestRouter router;
    private final List<Cidr> trusted;
    private final NioEventLoopGroup group;
    private final Map<EventExecutor, LoopContext> loops = new IdentityHashMap<>();
    private final Bootstrap backendBootstrap;
    private final ChannelGroup connections = new DefaultChannelGroup("lb-clients", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger openConnections = new AtomicInteger();
    private final LongAdder refusedConnections = new LongAdder();
    private final int perLoopMaxConnections;
    private final BackendTls backendTls;
    private final ServerTls serverTls; // null without an HTTPS listener
    /** Where finished requests are logged; null when the access log is off (the loops test this final field). */
    final AccessLog accessLog;
    private volatile Channel serverChannel;
    private volatile Channel tlsChannel;
    private ScheduledFuture<?> tlsReload;
    private volatile boolean draining;

    /**
     * @throws IllegalArgumentException naming the key of a TLS file (certificate, key, CA) that is not usable
     */
    DataPlane(ProxySettings settings, RoutingTable routes) {
        this(settings, routes, null);
    }

    /**
     * @param accessLog where finished requests are logged, or null for none
     * @throws IllegalArgumentException naming the key of a TLS file (certificate, key, CA) that is not usable
     */
    DataPlane(ProxySettings settings, RoutingTable routes, AccessLog accessLog) {
        this.settings = settings;
        this.accessLog = accessLog;
        this.backendTls = new BackendTls(settings.tls().backendCaFile());
        this.serverTls = settings.tls().enabled() ? new ServerTls(settings.tls()) : null;
        this.router = new RequestRouter(routes);
        this.trusted = settings.trustedProxies();
        int n = Math.max(1, settings.instances());
        this.group = new NioEventLoopGroup(n, new DefaultThreadFactory("lb-proxy", true));
        for (EventExecutor e : group) {
            loops.put(e, new LoopContext((EventLoop) e, this));
        }
        // The per-backend limit is for the whole load balancer, so it is split among the event loops.
        this.perLoopMaxConnections = Math.max(1, (settings.maxConnectionsPerBackend() + n - 1) / n);
        this.backendBootstrap = new Bootstrap().channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, ALLOCATOR)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeoutMillis());
    }

    /** The allocator for a value of {@value #ALLOCATOR_TYPE}: Netty's default when one is given, else adaptive. */
    static ByteBufAllocator allocator(String type) {
        return type == null || type.isBlank() ? new AdaptiveByteBufAllocator() : ByteBufAllocator.DEFAULT;
    }

    /** Binds the listener; returns the port (the real one for port 0). */
    int start() throws InterruptedException {
        for (LoopContext l : loops.values()) {
            l.start();
        }
        ServerBootstrap b = new ServerBootstrap().group(group, group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (!admit(ch)) {
                            return;
                        }
                        LoopContext loop = loops.get(ch.eventLoop());
                        ch.pipeline().addLast(ClientTimer.NAME, new ClientTimer(loop));
                        ch.pipeline().addLast("detect", new ProtocolDetector(DataPlane.this));
                    }
                });
        serverChannel = b.bind(settings.host(), settings.port()).sync().channel();
        if (serverTls != null) {
            tlsChannel = b.clone().childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    if (!admit(ch)) {
                        return;
                    }
                    ch.pipeline().addLast(ClientTimer.NAME, new ClientTimer(loops.get(ch.eventLoop())));
                    ch.pipeline().addLast("sni", new SniHandler(serverTls));
                    ch.pipeline().addLast("alpn", new AlpnSwitch());
                }
            }).bind(settings.host(), settings.tls().port()).sync().channel();
            long every = settings.tls().reloadMillis();
            tlsReload = GlobalEventExecutor.INSTANCE.scheduleAtFixedRate(serverTls::reloadIfChanged, every, every,
                    TimeUnit.MILLISECONDS);
        }
        return ((java.net.InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** After the TLS handshake: HTTP/2 or HTTP/1.1, as ALPN settled (HTTP/1.1 without ALPN). */
    private final class AlpnSwitch extends ApplicationProtocolNegotiationHandler {
        AlpnSwitch() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                configureHttp2(ctx.pipeline(), ctx.name());
            } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
                configureHttp1(ctx.pipeline(), ctx.name(), false);
            } else {
                throw new IllegalStateException("unexpected ALPN protocol: " + protocol);
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // scanners and wrong clients: not worth a warning each
        }
    }

    /** The port of the HTTPS listener, or -1 when there is none. */
    public int tlsPort() {
        Channel t = tlsChannel;
        return t == null || !t.isOpen() ? -1 : ((java.net.InetSocketAddress) t.localAddress()).getPort();
    }

    BackendTls backendTls() {
        return backendTls;
    }

    /**
     * Counts a new client connection in, or refuses it when {@code max-connections} are open: a plain 503 and
     * close (the client learns why; nothing of it is read).
     */
    private boolean admit(Channel ch) {
        if (openConnections.incrementAndGet() > settings.limits().maxConnections()) {
            openConnections.decrementAndGet();
            refusedConnections.increment();
            if (ch.localAddress() instanceof java.net.InetSocketAddress a && a.getPort() == port()) {
                ch.writeAndFlush(Unpooled.wrappedBuffer(REFUSED)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ch.close(); // the HTTPS listener: no plain text before a handshake
            }
            return false;
        }
        connections.add(ch);
        ch.closeFuture().addListener(f -> openConnections.decrementAndGet());
        return true;
    }

    /** Client connections open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Client connections on the HTTP/1.1 byte path now (not handed over to the decoded path); for tests. */
    int byteForwarders() {
        int n = 0;
        for (Channel ch : connections) {
            if (ch.pipeline().get(HeadForwarder.class) != null) {
                n++;
            }
        }
        return n;
    }

    /** Client connections refused since start because {@code max-connections} were open. */
    public long refusedConnections() {
        return refusedConnections.sum();
    }

    // ------------------------------------------------------------------ pipelines

    /**
     * The HTTP/1.1 handlers after {@code after}. On a plain-text connection the decoder counts the bytes read for the
     * connection's timer, which leaves the pipeline (one handler less per read); over TLS the timer stays first and
     * counts the bytes as they come off the socket. With {@code lb.proxy.byte-forwarding} the byte path's
     * {@link HeadForwarder} takes the decoder's place (and counts the bytes); the decoder joins when it hands over.
     */
    void configureHttp1(ChannelPipeline p, String after, boolean plainText) {
        LoopContext loop = loops.get(p.channel().eventLoop());
        ClientTimer timer = p.get(ClientTimer.class);
        boolean timerLeaves = plainText && timer != null;
        if (timerLeaves) {
            timer.leavePipeline();
        }
        boolean bytePath = settings.byteForwarding();
        String beforeEncoder = after;
        if (!bytePath) {
            // with the byte path the decoder joins behind its handler when it hands over (HeadForwarder.handOver):
            // until then it would get no byte, and an idle connection need not hold it (about 0.45 KB)
            p.addAfter(after, DECODER, new RequestDecoder(settings.maxInitialLineLength(), settings.maxHeaderSize(),
                    timerLeaves ? timer : null));
            beforeEncoder = DECODER;
        }
        p.addAfter(beforeEncoder, ENCODER, new HttpResponseEncoder());
        ClientConnection client = new ClientConnection(loop, this, false, timer, timerLeaves);
        p.addAfter(ENCODER, CLIENT, client);
        if (bytePath) {
            HeadForwarder f = new HeadForwarder(client, timerLeaves ? timer : null, settings);
            client.byteForwarder(f);
            p.addAfter(after, HeadForwarder.NAME, f);
        }
    }

    void configureHttp2(ChannelPipeline p, String after) {
        LoopContext loop = loops.get(p.channel().eventLoop());
        ClientLimits limits = settings.limits();
        Http2Settings initial = Http2Settings.defaultSettings().maxHeaderListSize(settings.maxHeaderSize())
                .maxConcurrentStreams(limits.http2MaxConcurrentStreams());
        // Rapid reset (CVE-2023-44487): more RST_STREAMs than this per window and the connection gets GOAWAY.
        int resetWindowSeconds = (int) Math.max(1, limits.http2ResetWindowMillis() / 1000);
        ClientTimer timer = p.get(ClientTimer.class);
        String codecAfter = after;
        if (timer != null) {
            timer.http2();
            p.addAfter(after, H2HeaderBlocks.NAME, new H2HeaderBlocks(timer));
            codecAfter = H2HeaderBlocks.NAME;
        }
        p.addAfter(codecAfter, "h2", Http2FrameCodecBuilder.forServer().initialSettings(initial)
                .decoderEnforceMaxRstFramesPerWindow(limits.http2MaxResets(), resetWindowSeconds).build());
        p.addAfter("h2", "h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true, true));
                ch.pipeline().addLast(CLIENT, new ClientConnection(loop, DataPlane.this, true, null, false));
            }
        }));
        p.addAfter("h2-streams", "h2-settings-ack", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2SettingsAckFrame && timer != null) {
                    timer.settingsAcknowledged();
                }
                ReferenceCountUtil.release(msg); // connection-level frames end here
            }
        });
    }

    // ------------------------------------------------------------------ shared state for the loops

    ProxySettings settings() {
        return settings;
    }

    RequestRouter router() {
        return router;
    }

    Bootstrap backendBootstrap() {
        return backendBootstrap;
    }

    /** The client connections open now (both listeners). */
    Iterable<Channel> clientConnections() {
        return connections;
    }

    int perLoopMaxConnections() {
        return perLoopMaxConnections;
    }

    int backendMaxInitialLine() {
        return Math.max(4096, settings.maxInitialLineLength());
    }

    int backendMaxHeaderSize() {
        return Math.max(8192, settings.maxHeaderSize() * 2);
    }

    boolean isDraining() {
        return draining;
    }

    boolean isTrusted(byte[] address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Releases the connection pools of backends that are in no service any more (removed, or gone from discovery):
     * their idle connections are closed now, and each loop forgets such a pool once its last busy connection is
     * done. Without this every backend ever used would keep a pool, and its idle connections, for good. Any thread.
     */
    void retainBackends(java.util.Set<String> ids) {
        for (LoopContext l : loops.values()) {
            l.loop.execute(() -> l.retainPools(ids));
        }
    }

    /** Every coarse tick of each loop, on that loop. Extension point for connection-level timers (issue 10). */
    void onTick(LoopContext loop) {
    }

    // ------------------------------------------------------------------ graceful shutdown primitives

    /** The port the listener is bound to, or -1 when it is not listening. */
    public int port() {
        Channel s = serverChannel;
        return s == null || !s.isOpen() ? -1 : ((java.net.InetSocketAddress) s.localAddress()).getPort();
    }

    /** Closes the listener: no new connection is accepted; open ones go on. Completes when the port is released. */
    public CompletableFuture<Void> stopAccepting() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Channel t = tlsChannel;
        if (t != null) {
            t.close();
        }
        if (tlsReload != null) {
            tlsReload.cancel(false);
        }
        Channel s = serverChannel;
        if (s == null) {
            done.complete(null);
            return done;
        }
        s.close().addListener(f -> done.complete(null));
        return done;
    }

    /**
     * From now on every HTTP/1.1 response carries {@code Connection: close} and its connection closes after it;
     * connections between requests close now; HTTP/2 connections get a GOAWAY and close once their streams end.
     */
    public void drainConnections() {
        draining = true;
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> {
                ClientConnection c = ch.pipeline().get(ClientConnection.class);
                if (c != null) {
                    c.drain();
                } else if (ch.pipeline().get(Http2MultiplexHandler.class) != null) {
                    ch.close(); // Http2FrameCodec: GOAWAY, then closes when the open streams are done
                } else {
                    ch.close(); // nothing read yet
                }
                loops.get(ch.eventLoop()).flushDirty();
            });
        }
    }

    /** Requests in flight (received and not yet fully answered), over all event loops; tunnels not counted. */
    public int inFlight() {
        int n = 0;
        for (LoopContext l : loops.values()) {
            n += l.inFlight();
        }
        return n;
    }

    /** Open WebSocket tunnels. */
    public int openTunnels() {
        int n = 0;
        for (LoopContext l : loops.values()) {
            n += l.tunnelCount();
        }
        return n;
    }

    /** Waits until no request is in flight, at most {@code timeout}; whether that was reached. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (inFlight() > 0) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Ends every WebSocket tunnel with a close frame, status 1001 (going away), to both sides, then closes them. */
    public void closeTunnels() {
        for (LoopContext l : loops.values()) {
            l.loop.execute(() -> {
                for (Exchange x : l.tunnels()) {
                    x.closeTunnel();
                }
            });
        }
    }

    /** Closes everything at once (the last step of a shutdown, or a plain stop). */
    public void close(Duration timeout) {
        stopAccepting();
        connections.close();
        group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(timeout.toMillis() + 1000);
    }
}
