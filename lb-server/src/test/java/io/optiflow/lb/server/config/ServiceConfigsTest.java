package io.optiflow.lb.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.registry.StrategyRegistry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config to settings, through the real SmallRye mapping and the real strategy registry. */
class ServiceConfigsTest {

    private static StrategyRegistry registry;

    @BeforeAll
    static void registry() {
        registry = StrategyRegistry.create(null);
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    private static LbConfig config(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(LbConfig.class).withValidateUnknown(false)
                .withSources(new PropertiesConfigSource(m, "test", 100)).build();
        return c.getConfigMapping(LbConfig.class);
    }

    private static List<String> errors(String... kv) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ServiceConfigs.services(config(kv), registry));
        assertTrue(e.getMessage().contains("configuration is invalid"), e.getMessage());
        return e.errors();
    }

    private static void assertOneError(List<String> errors, String start) {
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(start), errors.get(0));
    }

    @Test
    void services_minimal_defaultsApplied() {
        List<ServiceSettings> s = ServiceConfigs.services(config("lb.services.web.backends",
                "http://127.0.0.1:8081, http://127.0.0.1:8082;weight=3"), registry);
        assertEquals(1, s.size());
        ServiceSettings web = s.get(0);
        assertEquals("web", web.name());
        assertEquals("round-robin", web.spec().strategy());
        assertEquals(2, web.spec().backends().size());
        assertEquals(3, web.spec().backends().get(1).weight());
        assertEquals("/", web.pathPrefix());
        assertEquals(30_000, web.timeoutMillis());
        assertEquals(2, web.retryAttempts());
        assertEquals(20, web.retryBudgetPercent());
        assertEquals(5_000_000_000L, web.spec().health().intervalNanos());
        assertEquals(ServiceSettings.HashKey.CLIENT_IP, web.hashKey());
    }

    @Test
    void services_unknownStrategy_namesKeyAndChoices() {
        List<String> e = errors("lb.services.web.backends", "http://127.0.0.1:8081", "lb.services.web.strategy",
                "fastest-ever");
        assertOneError(e, "lb.services.web.strategy: unknown strategy 'fastest-ever' (expected: one of ");
        assertTrue(e.get(0).contains("round-robin"), e.get(0));
    }

    @Test
    void services_badBackendUrl_namesKey() {
        assertOneError(errors("lb.services.web.backends", "ftp://x:21"), "lb.services.web.backends: ");
    }

    @Test
    void services_missingBackends_namesKeyAndExample() {
        List<String> e = errors("lb.services.web.strategy", "round-robin");
        assertOneError(e, "lb.services.web.backends: missing");
    }

    @Test
    void services_badStrategyConfig_namesFullKey() {
        List<String> e = errors("lb.services.web.backends", "http://127.0.0.1:8081",
                "lb.services.web.strategy-config.no-such-attribute", "1");
        assertOneError(e, "lb.services.web.strategy-config.no-such-attribute");
    }

    @Test
    void services_badDurationsAndRanges_allReportedAtOnce() {
        List<String> e = errors("lb.services.web.backends", "http://127.0.0.1:8081",
                "lb.services.web.timeout", "soon", "lb.services.web.health.interval", "5 parsecs",
                "lb.services.web.retry.budget-percent", "150", "lb.services.web.hash-key", "header:",
                "lb.services.web.match.path-prefix", "api", "lb.services.web.rate-limit.rps", "-1");
        assertEquals(6, e.size(), e.toString());
        assertTrue(e.stream().anyMatch(x -> x.startsWith("lb.services.web.timeout: 'soon'")), e.toString());
        assertTrue(e.stream().anyMatch(x -> x.startsWith("lb.services.web.health.interval")), e.toString());
        assertTrue(e.stream().anyMatch(x -> x.startsWith("lb.services.web.retry.budget-percent: 150")), e.toString());
        assertTrue(e.stream().anyMatch(x -> x.startsWith("lb.services.web.hash-key")), e.toString());
        assertTrue(e.stream().anyMatch(x -> x.startsWith("lb.services.web.match.path-prefix")), e.toString());
        assertTrue(e.stream().anyMatch(x -> x.startsWith("lb.services.web.rate-limit.rps")), e.toString());
    }

    @Test
    void services_sameRouteTwice_conflictNamed() {
        List<String> e = errors("lb.services.a.backends", "http://127.0.0.1:8081", "lb.services.b.backends",
                "http://127.0.0.1:8082");
        assertOneError(e, "lb.services.b.match");
    }

    @Test
    void services_duplicateBackend_namesIt() {
        assertOneError(errors("lb.services.web.backends", "http://127.0.0.1:8081,http://127.0.0.1:8081"),
                "lb.services.web.backends: 'http://127.0.0.1:8081' is listed twice");
    }

    @Test
    void proxy_defaultsAndBadSize() {
        ProxySettings p = ServiceConfigs.proxy(config());
        assertEquals(8080, p.port());
        assertEquals(16 * 1024, p.maxHeaderSize());
        assertEquals(8 * 1024, p.maxInitialLineLength());
        assertEquals(100, p.maxHeaderCount());
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ServiceConfigs.proxy(
                config("lb.proxy.max-header-size", "lots", "lb.proxy.trusted-proxies", "10.0.0.0/8,gateway")));
        assertEquals(2, e.errors().size(), e.errors().toString());
        assertTrue(e.errors().get(0).startsWith("lb.proxy.trusted-proxies: 'gateway'"), e.errors().toString());
    }

    @Test
    void proxy_clientLimits_defaultsAndEachBadValueNamed() {
        ClientLimits l = ServiceConfigs.proxy(config()).limits();
        assertEquals(ClientLimits.DEFAULTS, l);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ServiceConfigs.proxy(config(
                "lb.proxy.request-header-timeout", "soon", "lb.proxy.max-connections", "0",
                "lb.proxy.queue-per-service", "-1", "lb.proxy.http2.max-resets", "0")));
        String all = String.join("\n", e.errors());
        assertTrue(all.contains("lb.proxy.request-header-timeout: 'soon' (expected: a duration"), all);
        assertTrue(all.contains("lb.proxy.max-connections: 0 (expected: 1 or more)"), all);
        assertTrue(all.contains("lb.proxy.queue-per-service: -1 (expected: 0 or more; 0 = no queue)"), all);
        assertTrue(all.contains("lb.proxy.http2.max-resets: 0"), all);
        assertEquals(4, e.errors().size(), all);
    }

    @Test
    void proxy_tls_offByDefault_halfSetOrUnreadableFilesNamed() {
        assertEquals(false, ServiceConfigs.proxy(config()).tls().enabled());
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ServiceConfigs.proxy(config(
                "lb.proxy.tls.cert-file", "/no/such/cert.pem",
                "lb.proxy.backend-tls.ca-file", "/no/such/ca.pem")));
        String all = String.join("\n", e.errors());
        assertTrue(all.contains("lb.proxy.tls.key-file: missing (expected: both cert-file and key-file, PEM)"), all);
        assertTrue(all.contains("lb.proxy.backend-tls.ca-file: '/no/such/ca.pem' cannot be read"), all);
    }

    // ------------------------------------------------------------------ lb.access-log.*

    private static List<String> accessLogErrors(String... kv) {
        return assertThrows(InvalidConfigException.class, () -> AccessLogSettings.from(config(kv))).errors();
    }

    @Test
    void accessLog_defaults_offAndPathNotLookedAt() {
        assertFalse(AccessLogSettings.from(config()).enabled());
        assertFalse(AccessLogSettings.from(config("lb.access-log.path", "/no-such-folder/x/access.log")).enabled());
    }

    @Test
    void accessLog_enabledWithDefaults_standardOutputAndQueueOf65536() {
        AccessLogSettings s = AccessLogSettings.from(config("lb.access-log.enabled", "true"));
        assertTrue(s.enabled());
        assertNull(s.path(), "'-' is standard output");
        assertEquals(65_536, s.queue());
    }

    @Test
    void accessLog_fileInExistingFolder_absolutePathAndQueue(@TempDir Path dir) {
        Path file = dir.resolve("access.log");
        AccessLogSettings s = AccessLogSettings.from(config("lb.access-log.enabled", "true",
                "lb.access-log.path", file.toString(), "lb.access-log.queue", "1024"));
        assertEquals(file.toAbsolutePath(), s.path());
        assertEquals(1024, s.queue());
    }

    @Test
    void accessLog_folderMissing_errorNamesKeyAndFolder(@TempDir Path dir) {
        Path file = dir.resolve("missing").resolve("access.log");
        assertEquals(List.of("lb.access-log.path: '" + file + "' (expected: a file in an existing folder; folder '"
                        + file.getParent() + "' does not exist)"),
                accessLogErrors("lb.access-log.enabled", "true", "lb.access-log.path", file.toString()));
    }

    @Test
    void accessLog_pathIsAFolder_errorNamesKey(@TempDir Path dir) {
        assertEquals(List.of("lb.access-log.path: '" + dir + "' (expected: a file to append to; it is a folder)"),
                accessLogErrors("lb.access-log.enabled", "true", "lb.access-log.path", dir.toString()));
    }

    @Test
    void accessLog_queueOutOfRange_errorNamesKeyAndRange() {
        assertEquals(List.of("lb.access-log.queue: 0 (expected: 16..16777216)"),
                accessLogErrors("lb.access-log.enabled", "true", "lb.access-log.queue", "0"));
    }
}
