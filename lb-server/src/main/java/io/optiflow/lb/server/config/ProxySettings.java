package io.optiflow.lb.server.config;

import java.util.List;

/**
 * The data-plane listener's settings, checked.
 *
 * @param host                     address to listen on
 * @param port                     port (0 = any free port)
 * @param trustedProxies           peers whose forwarding headers are believed
 * @param maxHeaderCount           more request headers: 431
 * @param maxHeaderSize            bytes of request headers: above, 431
 * @param maxInitialLineLength     bytes of the request line: above, 414
 * @param maxConnectionsPerBackend keep-alive pool size per backend
 * @param connectTimeoutMillis     connect timeout to a backend
 * @param instances                server instances (event loops)
 * @param limits                   timeouts and caps against slow and greedy clients
 * @param tls                      the HTTPS listener and TLS to backends
 * @param byteForwarding           HTTP/1.1 heads forwarded as bytes where the byte path takes them
 */
public record ProxySettings(String host, int port, List<Cidr> trustedProxies, int maxHeaderCount, int maxHeaderSize,
                            int maxInitialLineLength, int maxConnectionsPerBackend, long connectTimeoutMillis,
                            int instances, ClientLimits limits, TlsSettings tls,
                            boolean byteForwarding) {

    /** Settings with the default {@link ClientLimits}, no TLS listener and the HTTP/1.1 byte path (the default). */
    public ProxySettings(String host, int port, List<Cidr> trustedProxies, int maxHeaderCount, int maxHeaderSize,
                         int maxInitialLineLength, int maxConnectionsPerBackend, long connectTimeoutMillis,
                         int instances) {
        this(host, port, trustedProxies, maxHeaderCount, maxHeaderSize, maxInitialLineLength,
                maxConnectionsPerBackend, connectTimeoutMillis, instances, ClientLimits.DEFAULTS, TlsSettings.NONE,
                true);
    }
}
