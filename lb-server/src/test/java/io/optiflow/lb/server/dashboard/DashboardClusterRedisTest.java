package io.optiflow.lb.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.admin.RedisProcess;
import io.optiflow.lb.server.admin.TempTree;
import io.optiflow.lb.server.admin.TestBackend;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * The Cluster page's Redis panel in a real browser: a service counts its limit in Redis ({@code scope=cluster}), the
 * server starts while Redis is not running yet, then a real redis-server comes up on the configured port and is
 * stopped again. The page follows each change without a reload, as it does for the state store.
 */
@QuarkusTest
@TestProfile(DashboardClusterRedisTest.WithClusterLimits.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class DashboardClusterRedisTest {

    @TestHTTPResource("/")
    URL admin;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisHosts;

    private Browser browser;
    private Path root;

    @BeforeAll
    void start() throws IOException {
        root = Files.createTempDirectory("optiflow-dashboard-redis");
        browser = new Browser(admin.toString(), 1280, 800);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        TempTree.delete(root);
    }

    private String panel() {
        // the text as written, not as styled (CSS upper-cases the headings)
        return String.valueOf(browser.js("return document.getElementById('rate-limit-redis').textContent"));
    }

    private Object status() {
        return browser.js("var s = document.getElementById('redis-available'); return s ? s.textContent : null");
    }

    @Test
    void redisPanel_redisStartedThenStopped_pageFollowsWithTheFallback() throws Exception {
        browser.login(DashboardLoginTest.VIEWER, DashboardLoginTest.VIEWER_PASSWORD);
        browser.open("/cluster");
        browser.await(By.id("rate-limit-redis"));
        browser.await("Redis shown as not answering (not started yet)", d -> "can't be reached".equals(status()));
        assertTrue(panel().contains("cluster-fallback applies"), panel());

        RedisProcess redis = new RedisProcess(root, URI.create(redisHosts).getPort());
        try {
            browser.await("Redis shown as answering, this replica counted", d -> "answers".equals(status())
                    && panel().contains("Replicas counting on Redis: 1"));
            assertTrue(!panel().contains("cluster-fallback applies"), panel());
            redis.stop();
            browser.await("Redis shown as lost, with the fallback", d -> "can't be reached".equals(status())
                    && panel().contains("cluster-fallback applies"));
        } finally {
            redis.close();
        }
    }

    /** The dashboard's usual services plus {@code limited}, limited cluster-wide through a Redis not running yet. */
    public static class WithClusterLimits implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DashboardTestEnvironment.class),
                    new TestResourceEntry(LimitedService.class));
        }
    }

    public static class LimitedService implements QuarkusTestResourceLifecycleManager {

        private TestBackend backend;

        @Override
        public Map<String, String> start() {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                backend = new TestBackend();
                return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + s.getLocalPort(),
                        "lb.services.limited.backends", backend.url(),
                        "lb.services.limited.match.path-prefix", "/limited",
                        "lb.services.limited.health.enabled", "false",
                        "lb.services.limited.rate-limit.rps", "1000",
                        "lb.services.limited.rate-limit.scope", "cluster");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (backend != null) {
                backend.close();
            }
        }
    }
}
