package io.optiflow.lb.server.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.optiflow.lb.server.metrics.LoopMeters;
import io.optiflow.lb.server.metrics.ServiceMetrics;
import java.util.ArrayDeque;

/**
 * Keep-alive HTTP/1.1 connections to one backend, owned by one event loop (no lock, no hand-over). Idle connections
 * are reused last-in first-out (the warmest first); beyond the per-loop limit requests wait in arrival order for a
 * connection to come free. WebSocket upgrades get a dedicated connection that never returns here.
 */
final class BackendPool {

    private final LoopContext loop;
    private final String host;
    private final int port;
    private final int max;
    private final boolean tls;
    /** The Host a request gets when its client sent none (HTTP/1.0, HTTP/2 without :authority). */
    final String authority;
    private final ArrayDeque<BackendConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private int open;
    /** This loop's part of the meters of {@link #meteredService}'s backend of this pool; null before the first. */
    private LoopMeters meters;
    private ServiceMetrics meteredService;

    BackendPool(LoopContext loop, String host, int port, int max, boolean tls) {
        this.loop = loop;
        this.host = host;
        this.port = port;
        this.max = max;
        this.tls = tls;
        this.authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * This loop's part of {@code service}'s meters of this backend ({@code id}): cached, no lookup per request. Asked
     * of the service again when the cached part is stale (the backend left and its meters were dropped, maybe to be
     * made anew since) or belongs to another service (pools are per backend; two services may share one).
     */
    LoopMeters meters(ServiceMetrics service, String id) {
        LoopMeters m = meters;
        if (m == null || meteredService != service || !m.isCurrent()) {
            m = service.backend(id).forLoop(loop);
            meters = m;
            meteredService = service;
        }
        return m;
    }

    /** Gives {@code x} a connection now ({@link Exchange#onConnected}), once connected, or when one comes free. */
    void acquire(Exchange x) {
        BackendConnection c;
        while ((c = idle.pollLast()) != null) {
            if (c.channel.isActive()) {
                c.attach(x, true);
                x.onConnected(c);
                return;
            }
        }
        if (open < max) {
            connect(x, true);
        } else {
            waiting.addLast(x);
        }
    }

    /**
     * A new connection for {@code x}, never an idle one: after a kept-alive connection turned out closed by the
     * backend, the other idle ones are likely closed too (the backend closed them all, or closes after every
     * response) and their close may not have been read yet. At the limit, the oldest idle connection is closed to
     * make room (the limit is exceeded by one until its close is processed); with none idle, {@code x} waits.
     */
    void acquireFresh(Exchange x) {
        if (open >= max) {
            BackendConnection oldest = idle.pollFirst();
            if (oldest == null) {
                waiting.addLast(x);
                return;
            }
            oldest.channel.close();
        }
        connect(x, true);
    }

    /** A connection of its own for a protocol upgrade; it is closed, never pooled, when the tunnel ends. */
    void acquireDedicated(Exchange x) {
        connect(x, false);
    }

    /** Forgets a waiting exchange (its client left). */
    void cancel(Exchange x) {
        waiting.remove(x);
    }

    private void connect(Exchange x, boolean pooled) {
        BackendConnection c = new BackendConnection(loop, this, pooled);
        if (pooled) {
            open++;
        }
        DataPlane plane = loop.plane;
        Bootstrap b = plane.backendBootstrap().clone(loop.loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tls) {
                    ch.pipeline().addLast("tls", plane.backendTls().newHandler(ch.alloc(), host, port));
                }
                if (plane.settings().byteForwarding()) {
                    ResponseBytes.addTo(ch.pipeline(), c, plane.backendMaxInitialLine(), plane.backendMaxHeaderSize());
                } else {
                    BackendCodec.addTo(ch.pipeline(), plane.backendMaxInitialLine(), plane.backendMaxHeaderSize());
                }
                ch.pipeline().addLast("backend", c);
            }
        });
        ChannelFuture f = b.connect(host, port);
        c.bind(f.channel());
        c.attach(x, false);
        f.addListener(done -> {
            if (done.isSuccess()) {
                x.onConnected(c);
            } else {
                c.detach();
                c.reportClosed();
                x.onConnectFailed(c, done.cause());
            }
            // A connect completes outside any channel's read cycle: nothing else flushes what was written now
            // (the request head, or the client's 503) before the loop's next tick.
            loop.flushDirty();
        });
    }

    /** {@code c} finished a response and may carry the next request. */
    void release(BackendConnection c) {
        if (!c.channel.isActive()) {
            return;
        }
        Exchange next = waiting.pollFirst();
        if (next != null) {
            c.attach(next, true);
            next.onConnected(c);
        } else {
            idle.addLast(c);
        }
    }

    /** {@code c}'s channel closed (or never opened). */
    void closed(BackendConnection c) {
        if (!c.pooled) {
            return;
        }
        open--;
        idle.remove(c);
        Exchange next = waiting.pollFirst();
        if (next != null) {
            connect(next, true);
        }
    }

    /** Whether nothing uses this pool: no connection open or opening, nobody waiting. */
    boolean isUnused() {
        return open == 0 && waiting.isEmpty();
    }

    /** Closes the idle connections (shutdown, or the backend left). */
    void closeIdle() {
        BackendConnection c;
        while ((c = idle.pollFirst()) != null) {
            c.channel.close();
        }
    }
}
