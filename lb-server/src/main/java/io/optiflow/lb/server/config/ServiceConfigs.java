package io.optiflow.lb.server.config;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.Durations;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.DiscoverySpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.registry.StrategyRegistry;
import io.optiflow.lb.discovery.DiscoveryProviders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns the raw {@code lb.*} config into checked settings. All errors are collected and reported at once, each
 * naming the full key (as written in application.properties), the value and what would be right.
 */
public final class ServiceConfigs {

    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9][a-z0-9-_.]*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private ServiceConfigs() {
    }

    /** The services, sorted by name, with the class path's discovery providers. @throws InvalidConfigException */
    public static List<ServiceSettings> services(LbConfig config, StrategyRegistry registry) {
        return services(config, registry, DiscoveryProviders.load());
    }

    /** The services, sorted by name. @throws InvalidConfigException listing every problem */
    public static List<ServiceSettings> services(LbConfig config, StrategyRegistry registry,
                                                 DiscoveryProviders discovery) {
        List<String> errors = new ArrayList<>();
        List<ServiceSettings> out = new ArrayList<>();
        Map<String, String> routes = new HashMap<>();
        for (Map.Entry<String, LbConfig.Service> e : new TreeMap<>(config.services()).entrySet()) {
            ServiceSettings s = service(e.getKey(), e.getValue(), registry, discovery, errors);
            if (s != null) {
                String route = (s.matchHost() == null ? "*" : s.matchHost()) + " " + s.pathPrefix();
                String other = routes.putIfAbsent(route, s.name());
                if (other != null) {
                    errors.add("lb.services." + s.name() + ".match: host '" + (s.matchHost() == null ? "(any)"
                            : s.matchHost()) + "' and path-prefix '" + s.pathPrefix()
                            + "' are already served by service '" + other
                            + "' (expected: a distinct host or path-prefix per service)");
                }
                out.add(s);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
        return out;
    }

    /** The data-plane listener. @throws InvalidConfigException listing every problem */
    public static ProxySettings proxy(LbConfig config) {
        List<String> errors = new ArrayList<>();
        LbConfig.Proxy p = config.proxy();
        List<Cidr> trusted = new ArrayList<>();
        for (String c : p.trustedProxies().orElse(List.of())) {
            if (c.isBlank()) {
                continue;
            }
            try {
                trusted.add(Cidr.parse(c));
            } catch (IllegalArgumentException ex) {
                errors.add("lb.proxy.trusted-proxies: " + ex.getMessage());
            }
        }
        if (p.port() < 0 || p.port() > 65_535) {
            errors.add("lb.proxy.port: " + p.port() + " (expected: 0..65535, 0 = any free port)");
        }
        range(errors, "lb.proxy.max-header-count", p.maxHeaderCount(), 1, 10_000);
        int headerSize = size(errors, "lb.proxy.max-header-size", p.maxHeaderSize(), 1024, 1 << 20);
        int lineLength = size(errors, "lb.proxy.max-initial-line-length", p.maxInitialLineLength(), 256, 1 << 20);
        range(errors, "lb.proxy.max-connections-per-backend", p.maxConnectionsPerBackend(), 1, 100_000);
        long connect = duration(errors, "lb.proxy.connect-timeout", p.connectTimeout(), 1_000_000L);
        range(errors, "lb.proxy.instances", p.instances(), 0, 256);
        ClientLimits limits = ClientLimits.read(p, errors);
        TlsSettings tls = TlsSettings.read(p, errors);
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
        int instances = p.instances() == 0 ? Runtime.getRuntime().availableProcessors() : p.instances();
        return new ProxySettings(p.host(), p.port(), List.copyOf(trusted), p.maxHeaderCount(), headerSize,
                lineLength, p.maxConnectionsPerBackend(), connect / 1_000_000L, instances, limits, tls,
                p.byteForwarding());
    }

    private static ServiceSettings service(String name, LbConfig.Service s, StrategyRegistry registry,
                                           DiscoveryProviders discoveryProviders, List<String> errors) {
        String key = "lb.services." + name;
        int before = errors.size();
        if (!SERVICE_NAME.matcher(name).matches()) {
            errors.add(key + ": service name '" + name
                    + "' (expected: lower-case letters, digits, '-', '_' or '.', starting with a letter or digit)");
        }
        List<BackendSpec> backends = new ArrayList<>();
        Optional<String> rawBackends = s.backends().filter(b -> !b.isBlank());
        DiscoverySpec discovery = discovery(key + ".discovery.", s.discovery(), discoveryProviders, errors);
        if (rawBackends.isEmpty() && discovery == null) {
            errors.add(key + ".backends: missing (expected: comma-separated URLs such as "
                    + "http://10.0.0.5:8080,http://10.0.0.6:8080;weight=3, or a discovery source: "
                    + key + ".discovery.type, or " + key + ".discovery.type=registration for instances that register"
                    + " themselves)");
        } else if (rawBackends.isPresent()) {
            Set<String> ids = new HashSet<>();
            for (String part : rawBackends.get().split(",")) {
                String t = part.trim();
                if (t.isEmpty()) {
                    continue;
                }
                try {
                    BackendSpec b = BackendSpec.parse(t);
                    if (!ids.add(b.id())) {
                        errors.add(key + ".backends: '" + t + "' is listed twice (expected: each host:port once)");
                    } else {
                        backends.add(b);
                    }
                } catch (IllegalArgumentException ex) {
                    errors.add(key + ".backends: " + ex.getMessage());
                }
            }
        }

        String strategy = s.strategy().trim();
        Map<String, String> strategyConfig = Map.copyOf(s.strategyConfig());
        Optional<StrategyProvider<?>> provider = registry.find(strategy);
        if (provider.isEmpty()) {
            List<String> known = new ArrayList<>();
            for (StrategyDescriptor d : registry.strategies()) {
                known.add(d.name());
            }
            errors.add(key + ".strategy: unknown strategy '" + strategy + "' (expected: one of "
                    + String.join(", ", known) + ")");
        } else {
            ConfigResult<?> parsed = provider.get().parseConfig(strategyConfig);
            if (!parsed.isValid()) {
                for (String err : parsed.errors()) {
                    errors.add(key + ".strategy-config." + err);
                }
            }
        }

        String host = s.match().host().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .orElse(null);
        if (host != null && (host.indexOf('/') >= 0 || host.indexOf(' ') >= 0)) {
            errors.add(key + ".match.host: '" + host + "' (expected: a host name without scheme, path or port)");
        }
        String prefix = s.match().pathPrefix().map(String::trim).filter(p -> !p.isEmpty()).orElse("/");
        if (!prefix.startsWith("/")) {
            errors.add(key + ".match.path-prefix: '" + prefix + "' (expected: a path starting with '/')");
        }

        LbConfig.Health h = s.health();
        String healthPath = h.path().trim();
        if (!healthPath.startsWith("/")) {
            errors.add(key + ".health.path: '" + healthPath + "' (expected: a path starting with '/')");
        }
        long interval = duration(errors, key + ".health.interval", h.interval(), 10_000_000L);
        long healthTimeout = duration(errors, key + ".health.timeout", h.timeout(), 1_000_000L);
        range(errors, key + ".health.rise", h.rise(), 1, 100);
        range(errors, key + ".health.fall", h.fall(), 1, 100);
        LbConfig.Passive p = s.passive();
        range(errors, key + ".passive.consecutive-failures", p.consecutiveFailures(), 0, 10_000);
        long baseEjection = duration(errors, key + ".passive.base-ejection-time", p.baseEjectionTime(), 1_000_000L);
        long maxEjection = duration(errors, key + ".passive.max-ejection-time", p.maxEjectionTime(), 1_000_000L);
        if (baseEjection > 0 && maxEjection > 0 && maxEjection < baseEjection) {
            errors.add(key + ".passive.max-ejection-time: '" + p.maxEjectionTime()
                    + "' (expected: at least base-ejection-time, " + p.baseEjectionTime() + ")");
        }
        range(errors, key + ".passive.max-ejected-percent", p.maxEjectedPercent(), 0, 100);

        long timeout = duration(errors, key + ".timeout", s.timeout(), 1_000_000L);
        long slowStart = s.slowStart().trim().equals("0") ? 0
                : duration(errors, key + ".slow-start", s.slowStart(), 0L);
        range(errors, key + ".retry.attempts", s.retry().attempts(), 0, 10);
        range(errors, key + ".retry.budget-percent", s.retry().budgetPercent(), 0, 100);

        LbConfig.RateLimit rl = s.rateLimit();
        double rps = rate(errors, key + ".rate-limit.rps", rl.rps());
        int burst = burst(errors, key + ".rate-limit.burst", rl.burst(), rps);
        double clientRps = rate(errors, key + ".rate-limit.per-client.rps", rl.perClient().rps());
        int clientBurst = burst(errors, key + ".rate-limit.per-client.burst", rl.perClient().burst(), clientRps);

        ServiceSettings.HashKey hashKey = hashKey(errors, key + ".hash-key", s.hashKey());

        if (errors.size() > before) {
            return null;
        }
        HealthPolicy policy = new HealthPolicy(h.enabled(), healthPath, interval, healthTimeout, h.rise(), h.fall(),
                p.consecutiveFailures(), baseEjection, maxEjection, p.maxEjectedPercent());
        ServiceSpec spec = new ServiceSpec(name, List.copyOf(backends), strategy, strategyConfig, policy, slowStart,
                discovery);
        return new ServiceSettings(spec, host, prefix, Math.max(1, timeout / 1_000_000L), s.retry().attempts(),
                s.retry().budgetPercent(), rps, burst, clientRps, clientBurst, hashKey);
    }

    /** The discovery source of a service, or null for none; errors name the full key. */
    private static DiscoverySpec discovery(String prefix, Map<String, String> raw, DiscoveryProviders providers,
                                           List<String> errors) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        Map<String, String> settings = new TreeMap<>(raw);
        String type = settings.remove("type");
        String allowEmpty = settings.remove("allow-empty");
        if (type == null || type.isBlank()) {
            errors.add(prefix + "type: missing (expected: one of " + String.join(", ", providers.types()) + " or "
                    + DiscoverySpec.REGISTRATION + ", since " + prefix + "* keys are set)");
            return null;
        }
        type = type.trim();
        if (type.equals(DiscoverySpec.REGISTRATION)) {
            if (!settings.isEmpty() || allowEmpty != null) {
                errors.add(prefix + "type: '" + type + "' takes no other " + prefix + "* key (found: "
                        + String.join(", ", raw.keySet().stream().filter(k -> !k.equals("type")).sorted().toList())
                        + "; expected: only " + prefix + "type=" + type + ")");
            }
            return DiscoverySpec.registrationOnly();
        }
        boolean allow = false;
        if (allowEmpty != null) {
            if (!allowEmpty.trim().equals("true") && !allowEmpty.trim().equals("false")) {
                errors.add(prefix + "allow-empty: '" + allowEmpty + "' (expected: true or false)");
            }
            allow = allowEmpty.trim().equals("true");
        }
        ConfigResult<?> parsed = providers.parse(type, settings);
        if (!parsed.isValid()) {
            for (String err : parsed.errors()) {
                errors.add(prefix + err);
            }
            return null;
        }
        return new DiscoverySpec(type, settings, allow);
    }

    private static ServiceSettings.HashKey hashKey(List<String> errors, String key, String raw) {
        String t = raw.trim();
        if (t.equals("client-ip")) {
            return ServiceSettings.HashKey.CLIENT_IP;
        }
        if (t.equals("path")) {
            return new ServiceSettings.HashKey(ServiceSettings.HashKey.Kind.PATH, null);
        }
        if (t.startsWith("header:") && HEADER_NAME.matcher(t.substring(7)).matches()) {
            return new ServiceSettings.HashKey(ServiceSettings.HashKey.Kind.HEADER,
                    t.substring(7).toLowerCase(Locale.ROOT));
        }
        if (t.startsWith("cookie:") && HEADER_NAME.matcher(t.substring(7)).matches()) {
            return new ServiceSettings.HashKey(ServiceSettings.HashKey.Kind.COOKIE, t.substring(7));
        }
        errors.add(key + ": '" + raw + "' (expected: client-ip, path, header:NAME or cookie:NAME)");
        return ServiceSettings.HashKey.CLIENT_IP;
    }

    private static double rate(List<String> errors, String key, Optional<Double> value) {
        if (value.isEmpty()) {
            return 0;
        }
        double v = value.get();
        if (!(v > 0) || Double.isInfinite(v)) {
            errors.add(key + ": " + v + " (expected: a number of requests per second above 0; omit it for no limit)");
            return 0;
        }
        return v;
    }

    private static int burst(List<String> errors, String key, Optional<Integer> value, double rps) {
        if (value.isEmpty()) {
            return (int) Math.max(1, Math.ceil(rps));
        }
        if (value.get() < 1) {
            errors.add(key + ": " + value.get() + " (expected: at least 1)");
            return 1;
        }
        return value.get();
    }

    private static void range(List<String> errors, String key, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(key + ": " + value + " (expected: " + min + ".." + max + ")");
        }
    }

    private static long duration(List<String> errors, String key, String text, long minNanos) {
        try {
            long nanos = Durations.parseNanos(text);
            if (nanos < minNanos) {
                errors.add(key + ": '" + text + "' (expected: at least " + Durations.format(minNanos) + ")");
                return -1;
            }
            return nanos;
        } catch (IllegalArgumentException ex) {
            errors.add(key + ": '" + text + "' (expected: a duration such as 250ms, 5s or 1m)");
            return -1;
        }
    }

    /** Reads {@code 16k}, {@code 1m} or a plain number of bytes. */
    private static int size(List<String> errors, String key, String text, int min, int max) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("k") || t.endsWith("m")) {
            mult = t.endsWith("k") ? 1024 : 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t) * mult;
            if (v < min || v > max) {
                errors.add(key + ": '" + text + "' (expected: " + min + ".." + max + " bytes, e.g. 16k)");
                return min;
            }
            return (int) v;
        } catch (NumberFormatException e) {
            errors.add(key + ": '" + text + "' (expected: a size in bytes such as 16k or 8192)");
            return min;
        }
    }
}
