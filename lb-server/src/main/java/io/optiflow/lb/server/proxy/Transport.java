package io.optiflow.lb.server.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The data plane's socket transport: Netty's native epoll on Linux where its library loads (no selected-key set
 * with a boxed lookup per ready channel, no NIO buffer duplicates per write, and SO_REUSEPORT so each event loop
 * accepts its own connections), else the JDK's NIO. See docs/data-plane.md for why the native library is 4.1.137's.
 */
final class Transport {

    static final Transport EPOLL = new Transport(true);
    static final Transport NIO = new Transport(false);

    final boolean epoll;

    private Transport(boolean epoll) {
        this.epoll = epoll;
    }

    /** Epoll when allowed and available, else NIO. */
    static Transport choose(boolean nioOnly) {
        return !nioOnly && Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Why epoll is not in use, or null when it is available (for the start-up log line). */
    static Throwable epollUnavailability() {
        return Epoll.unavailabilityCause();
    }

    EventLoopGroup newGroup(int threads, ThreadFactory factory) {
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** One listener per event loop (SO_REUSEPORT): connections are accepted by the loop that serves them. */
    boolean listenerPerLoop() {
        return epoll;
    }

    @Override
    public String toString() {
        return epoll ? "epoll" : "nio";
    }
}
