package io.optiflow.lb.server.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS to backends with https:// URLs: TLS 1.3 and 1.2, the backend's certificate verified (chain to the CAs of
 * {@code lb.proxy.backend-tls.ca-file}, or the JVM's trust store; host name or IP address matched against it), SNI
 * with the backend's host name. Built once; immutable.
 */
final class BackendTls {

    private final SslContext context;

    /**
     * @param caFile PEM CA certificates, or null for the JVM's trust store
     * @throws IllegalArgumentException naming {@code lb.proxy.backend-tls.ca-file} when it is not usable
     */
    BackendTls(Path caFile) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .protocols(ServerTls.PROTOCOLS);
            if (caFile != null) {
                b.trustManager(caFile.toFile());
            }
            context = b.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("lb.proxy.backend-tls.ca-file: '" + caFile + "' is not usable ("
                    + e.getMessage() + "; expected: PEM CA certificates)", e);
        }
    }

    /** A handler for a new connection to {@code host:port}, verifying the backend's certificate. */
    SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler h = context.newHandler(alloc, host, port);
        SSLEngine engine = h.engine();
        SSLParameters p = engine.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name this host (or IP address)
        engine.setSSLParameters(p);
        return h;
    }
}
