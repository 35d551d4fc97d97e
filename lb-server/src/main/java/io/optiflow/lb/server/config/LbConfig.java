package io.optiflow.lb.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code lb.*} configuration, as read by Quarkus (application.properties, system properties, env vars).
 * Durations and sizes are read as text and checked by {@link ServiceConfigs}, so a bad value stops start-up with a
 * message naming the full key. Every key is described in docs/configuration.md.
 */
@ConfigMapping(prefix = "lb")
public interface LbConfig {

    /** Services by name. */
    Map<String, Service> services();

    Plugins plugins();

    Data data();

    Demo demo();

    Dashboard dashboard();

    Proxy proxy();

    Shutdown shutdown();

    /** The per-request access log (off by default). */
    @WithName("access-log")
    AccessLog accessLog();

    /** What {@code /q/health/ready} requires besides a running load balancer. */
    @WithName("health")
    Readiness readiness();

    /** Where runtime changes are kept: this replica's data folder, or a store shared by replicas. */
    State state();

    interface Plugins {
        /** Folder of strategy plug-in JARs (re-scanned while running). */
        @WithDefault("plugins")
        String dir();
    }

    interface Data {
        /** Folder of the persisted runtime state and audit trail. */
        @WithDefault("data")
        String dir();
    }

    interface State {
        /** {@code local} (the data folder), {@code etcd} or {@code kubernetes}. */
        @WithDefault("local")
        String store();

        /** This replica's id in the audit trail and the replica list; default: the host name. */
        @WithName("replica-id")
        Optional<String> replicaId();

        /** The address shown for this replica; default: the host's address and the proxy port. */
        @WithName("replica-address")
        Optional<String> replicaAddress();

        /** Settings of the etcd store (endpoints, prefix, user, password, TLS files, timeout). */
        Map<String, String> etcd();

        /** Settings of the Kubernetes store (namespace, config-map, master-url, timeout). */
        Map<String, String> kubernetes();
    }

    interface Dashboard {
        /** How far back the dashboard's charts go (the stats sampler keeps one sample a second for this long). */
        @WithDefault("5m")
        String history();
    }

    interface Demo {
        /** Starts three in-process demo backends, a {@code demo} service and a light synthetic load. */
        @WithDefault("false")
        boolean enabled();

        /** Synthetic requests per second the demo sends through the proxy. */
        @WithDefault("20")
        int rps();
    }

    interface Proxy {
        @WithDefault("0.0.0.0")
        String host();

        @WithDefault("8080")
        int port();

        /** Peers (CIDR or single addresses) whose X-Forwarded-* and Forwarded headers are believed. */
        @WithName("trusted-proxies")
        Optional<List<String>> trustedProxies();

        /** More request headers than this: 431. */
        @WithName("max-header-count")
        @WithDefault("100")
        int maxHeaderCount();

        /** Request headers larger than this in total (e.g. 16k): 431. */
        @WithName("max-header-size")
        @WithDefault("16k")
        String maxHeaderSize();

        /** A request line longer than this (e.g. 8k): 414. */
        @WithName("max-initial-line-length")
        @WithDefault("8k")
        String maxInitialLineLength();

        /** Pooled keep-alive connections per backend (HTTP/1.1). */
        @WithName("max-connections-per-backend")
        @WithDefault("64")
        int maxConnectionsPerBackend();

        /** Time to establish a connection to a backend before trying another. */
        @WithName("connect-timeout")
        @WithDefault("2s")
        String connectTimeout();

        /** How many server instances (event loops) accept data-plane connections; 0 = one per core. */
        @WithDefault("0")
        int instances();

        // --- defences against slow and greedy clients (docs/configuration.md, "Slow clients and overload")

        /** Time for a whole request head, from the first byte (from accept for a new connection): 408, closed. */
        @WithName("request-header-timeout")
        @WithDefault("10s")
        String requestHeaderTimeout();

        /** No byte of a request body for this long: 408 (or cut, once the answer has begun). */
        @WithName("request-body-idle-timeout")
        @WithDefault("20s")
        String requestBodyIdleTimeout();

        /** Bytes per second a body must average over each request-body-idle-timeout; slower: cut. 0: off. */
        @WithName("request-body-min-rate")
        @WithDefault("500")
        int requestBodyMinRate();

        /** A connection with no request in progress is closed after this long (HTTP/1.1 keep-alive, HTTP/2). */
        @WithName("idle-timeout")
        @WithDefault("60s")
        String idleTimeout();

        /** Client connections open at once; more are answered 503 and closed. */
        @WithName("max-connections")
        @WithDefault("10000")
        int maxConnections();

        /** Requests in flight per service; beyond it requests wait in a bounded queue. */
        @WithName("max-in-flight-per-service")
        @WithDefault("10000")
        int maxInFlightPerService();

        /** Requests that may wait per service when it is at its in-flight cap; more: 503 with Retry-After. */
        @WithName("queue-per-service")
        @WithDefault("1000")
        int queuePerService();

        /** Longest wait in that queue: then 503 with Retry-After. */
        @WithName("queue-timeout")
        @WithDefault("2s")
        String queueTimeout();

        /**
         * Plain-text and TLS HTTP/1.1: heads scanned in place and forwarded as bytes instead of decoded into
         * objects and encoded again (docs/data-plane.md); anything the byte path does not take goes the decoded way.
         */
        @WithName("byte-forwarding")
        @WithDefault("true")
        boolean byteForwarding();

        Http2 http2();

        /** The HTTPS listener of the data plane; on when cert-file and key-file are set. */
        Tls tls();

        /** TLS to backends with https:// URLs. */
        @WithName("backend-tls")
        BackendTls backendTls();
    }

    interface Tls {
        /** Port of the HTTPS listener (beside lb.proxy.port). */
        @WithDefault("8443")
        int port();

        /** The default certificate chain, PEM. */
        @WithName("cert-file")
        Optional<String> certFile();

        /** Its private key, PEM (PKCS#8, unencrypted). */
        @WithName("key-file")
        Optional<String> keyFile();

        /** More certificates, chosen by the SNI host name (quoted in keys: lb.proxy.tls.sni."a.example".cert-file). */
        Map<String, SniCertificate> sni();

        /** How often the certificate files are checked for changes (reloaded without a restart). */
        @WithName("reload-interval")
        @WithDefault("10s")
        String reloadInterval();
    }

    interface SniCertificate {
        @WithName("cert-file")
        Optional<String> certFile();

        @WithName("key-file")
        Optional<String> keyFile();
    }

    interface BackendTls {
        /** CA certificates (PEM) that backends' certificates must chain to; default: the JVM's trust store. */
        @WithName("ca-file")
        Optional<String> caFile();
    }

    interface Http2 {
        /** Streams a client may have open at once on one connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
        @WithName("max-concurrent-streams")
        @WithDefault("100")
        int maxConcurrentStreams();

        /** Stream resets (RST_STREAM) a client may send per window before it is disconnected (rapid reset). */
        @WithName("max-resets")
        @WithDefault("200")
        int maxResets();

        /** The window of {@code max-resets}. */
        @WithName("reset-window")
        @WithDefault("30s")
        String resetWindow();

        /** Time for the client to acknowledge the proxy's SETTINGS; then the connection is closed. */
        @WithName("settings-timeout")
        @WithDefault("10s")
        String settingsTimeout();
    }

    /** What SIGTERM does (docs/deployment.md): readiness DOWN, then stop accepting, then finish what is in flight. */
    interface Shutdown {
        /** Time between readiness DOWN and the listener closing, so load balancers and endpoints stop sending. */
        @WithName("drain-delay")
        @WithDefault("0s")
        String drainDelay();

        /** The longest requests in flight (after the listener closed) may take to complete before the exit. */
        @WithDefault("30s")
        String timeout();
    }

    /** One JSON line per finished request, written by a thread of its own (docs/operator-guide.md#access-log). */
    interface AccessLog {
        @WithDefault("false")
        boolean enabled();

        /** The file lines are appended to; {@code -} is standard output. */
        @WithDefault("-")
        String path();

        /** Records waiting for the writer at most; more are dropped and counted. */
        @WithDefault("65536")
        int queue();
    }

    /** Readiness is about this load balancer serving; per-service backend health is detail (docs/deployment.md). */
    interface Readiness {
        /**
         * Also DOWN while any service has no backend that can take traffic: for a deployment with one service,
         * where an LB without backends is as good as none. Off by default: on Kubernetes it would take the whole LB
         * out of its Service, and every other service with it, when one service's backends are down.
         */
        @WithName("ready-requires-backends")
        @WithDefault("false")
        boolean requiresBackends();
    }

    interface Service {
        /** Comma-separated backend URLs, {@code http://host:port[;weight=N]}. */
        Optional<String> backends();

        @WithDefault("round-robin")
        String strategy();

        @WithName("strategy-config")
        Map<String, String> strategyConfig();

        Match match();

        Health health();

        Passive passive();

        /** The longest a backend may stay silent (before its response headers, or between body chunks): 504. */
        @WithDefault("30s")
        String timeout();

        Retry retry();

        @WithName("rate-limit")
        RateLimit rateLimit();

        /**
         * Discovery source: {@code type} (file, dns, kubernetes, consul), {@code allow-empty}, and the provider's
         * keys (docs/discovery.md). Empty: static backends only.
         */
        Map<String, String> discovery();

        /** How long a backend that joins or comes back ramps up to its full share; 0 = off. */
        @WithName("slow-start")
        @WithDefault("10s")
        String slowStart();

        /** Affinity key for hashing strategies: client-ip, header:NAME, cookie:NAME or path. */
        @WithName("hash-key")
        @WithDefault("client-ip")
        String hashKey();
    }

    interface Match {
        /** Host header (without port) this service serves; absent = any host. */
        Optional<String> host();

        /** Path prefix this service serves; longest prefix wins. Absent = "/". */
        @WithName("path-prefix")
        Optional<String> pathPrefix();
    }

    interface Health {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("/")
        String path();

        @WithDefault("5s")
        String interval();

        @WithDefault("2s")
        String timeout();

        @WithDefault("2")
        int rise();

        @WithDefault("3")
        int fall();
    }

    interface Passive {
        @WithName("consecutive-failures")
        @WithDefault("5")
        int consecutiveFailures();

        @WithName("base-ejection-time")
        @WithDefault("30s")
        String baseEjectionTime();

        @WithName("max-ejection-time")
        @WithDefault("300s")
        String maxEjectionTime();

        @WithName("max-ejected-percent")
        @WithDefault("50")
        int maxEjectedPercent();
    }

    interface Retry {
        /** Further backends tried after the first (0 = no retry). */
        @WithDefault("2")
        int attempts();

        /** Retries after a request was sent stay under this share of the service's recent requests. */
        @WithName("budget-percent")
        @WithDefault("20")
        int budgetPercent();
    }

    interface RateLimit {
        /** Service-wide requests per second; absent = unlimited. */
        Optional<Double> rps();

        Optional<Integer> burst();

        @WithName("per-client")
        PerClient perClient();

        /** {@code local}: each replica counts alone; {@code cluster}: counted in Redis across all replicas. */
        @WithDefault("local")
        String scope();

        /** With scope cluster, while Redis is down: {@code local} (the limit divided by the replicas) or {@code open}. */
        @WithName("cluster-fallback")
        @WithDefault("local")
        String clusterFallback();
    }

    interface PerClient {
        /** Requests per second per client address; absent = unlimited. */
        Optional<Double> rps();

        Optional<Integer> burst();
    }
}
