package io.optiflow.lb.server.proxy;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.optiflow.lb.server.config.TlsSettings;
import io.optiflow.lb.server.config.TlsSettings.CertificateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The certificates of the data plane's HTTPS listener: the default one and those chosen by SNI, with ALPN ({@code h2},
 * {@code http/1.1}), TLS 1.3 and 1.2 only, and HTTP/2's cipher suites (RFC 9113 §9.2). A handshake asks
 * {@link #map} for the context of its host name, so new certificates apply to the next handshake after
 * {@link #reloadIfChanged} has read them; a broken new file keeps the old certificate in force and is logged.
 *
 * <p>Threading: {@link #map} from the event loops (one volatile read); {@link #reloadIfChanged} from one timer.
 */
final class ServerTls implements Mapping<String, SslContext> {

    private static final Logger LOG = Logger.getLogger(ServerTls.class);
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final TlsSettings settings;
    private volatile Mapping<String, SslContext> contexts;
    private volatile SslContext defaultContext;
    private String stamp;

    /**
     * Reads every certificate now.
     *
     * @throws IllegalArgumentException naming the key of a file that is not a usable PEM certificate or key
     */
    ServerTls(TlsSettings settings) {
        this.settings = settings;
        this.stamp = stamp();
        load();
    }

    @Override
    public SslContext map(String hostName) {
        return hostName == null ? defaultContext : contexts.map(hostName);
    }

    /** The context for clients that send no SNI. */
    SslContext defaultContext() {
        return defaultContext;
    }

    /** Re-reads the files if any of them changed since the last load; keeps the old ones on failure. */
    void reloadIfChanged() {
        String now = stamp();
        if (now.equals(stamp)) {
            return;
        }
        try {
            load();
            stamp = now;
            LOG.infof("TLS certificates of the data plane reloaded (%d certificate(s))", 1 + settings.sni().size());
        } catch (IllegalArgumentException e) {
            stamp = now; // logged once per change, not every interval
            LOG.errorf("TLS certificates of the data plane NOT reloaded, the previous ones stay in force: %s",
                    e.getMessage());
        }
    }

    private void load() {
        SslContext main = context(settings.certificate());
        DomainWildcardMappingBuilder<SslContext> b = new DomainWildcardMappingBuilder<>(main);
        for (Map.Entry<String, CertificateFiles> e : settings.sni().entrySet()) {
            b.add(e.getKey(), context(e.getValue()));
        }
        Mapping<String, SslContext> built = b.build();
        defaultContext = main;
        contexts = built;
    }

    private static SslContext context(CertificateFiles f) {
        try {
            return SslContextBuilder.forServer(f.certFile().toFile(), f.keyFile().toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (Exception e) {
            throw new IllegalArgumentException(f.certKey() + " / " + f.keyKey() + ": '" + f.certFile() + "' and '"
                    + f.keyFile() + "' are not a usable certificate chain and private key (" + e.getMessage()
                    + "; expected: PEM files, the key unencrypted PKCS#8 as written by"
                    + " 'openssl genpkey' or 'openssl pkcs8 -topk8 -nocrypt')", e);
        }
    }

    /** Modification times and sizes of every file, to notice a change without reading them. */
    private String stamp() {
        List<Path> files = new ArrayList<>();
        if (settings.certificate() != null) {
            files.add(settings.certificate().certFile());
            files.add(settings.certificate().keyFile());
        }
        for (CertificateFiles f : settings.sni().values()) {
            files.add(f.certFile());
            files.add(f.keyFile());
        }
        StringBuilder sb = new StringBuilder();
        for (Path p : files) {
            try {
                FileTime t = Files.getLastModifiedTime(p);
                sb.append(t.toMillis()).append('/').append(Files.size(p)).append(';');
            } catch (IOException e) {
                sb.append("missing;");
            }
        }
        return sb.toString();
    }
}
