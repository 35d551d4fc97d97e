package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.AdminClient.asOperator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example plug-in JAR (examples/example-strategy, copied to target/test-plugins-src by the build) dropped into
 * lb.plugins.dir while the server runs: it is listed, takes a switch and carries traffic.
 */
@QuarkusTest
@TestProfile(AdminPlaneProfile.class)
class PluginStrategyTest {

    private static final String PLUGIN = "zone-aware";
    private static final Path JAR_SOURCE = Path.of("target", "test-plugins-src");

    @ConfigProperty(name = "lb.plugins.dir")
    String pluginsDir;

    @ConfigProperty(name = "lb.services.plugin.backends")
    String pluginBackends;

    @Inject
    ProxyServer proxy;

    private int proxyPort;

    @BeforeEach
    void findProxyPort() {
        proxyPort = proxy.actualPort();
    }

    @Test
    void pluginJar_droppedIntoPluginsDir_isListedSwitchedToAndCarriesTraffic() throws Exception {
        assertFalse(strategyNames().contains(PLUGIN), "zone-aware is listed before its JAR was dropped: the test"
                + " would prove nothing (is the example plug-in on the class path?)");
        Path jar = exampleJar();
        Files.copy(jar, Path.of(pluginsDir).resolve(jar.getFileName()));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!strategyNames().contains(PLUGIN)) {
            assertTrue(System.nanoTime() < deadline, "zone-aware not listed 10 s after its JAR was dropped into "
                    + pluginsDir);
            Thread.sleep(100);
        }
        asOperator().get("/api/v1/strategies").then().statusCode(200)
                .body("find { it.name == 'zone-aware' }.source", equalTo(jar.getFileName().toString()))
                .body("find { it.name == 'zone-aware' }.config.name", hasItem("zone"));

        // The plug-in's own config check speaks through the API.
        asOperator().contentType("application/json").body("{\"name\": \"zone-aware\", \"config\": {\"zone\": \" \"}}")
                .put("/api/v1/services/plugin/strategy")
                .then().statusCode(400).body("errors[0]", containsString("zone"));

        asOperator().contentType("application/json").body("{\"name\": \"zone-aware\"}")
                .put("/api/v1/services/plugin/strategy")
                .then().statusCode(200).body("strategy", equalTo(PLUGIN));

        long before = totalRequests();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            seen.add(AdminClient.viaProxy(proxyPort, "/plugin/" + i));
        }
        // With no zone set, zone-aware is round robin over every backend.
        assertEquals(new HashSet<>(AdminClient.ids(pluginBackends)), seen);
        assertEquals(before + 6, totalRequests());
        asOperator().get("/api/v1/services/plugin").then().body("strategy", equalTo(PLUGIN));
    }

    private static Path exampleJar() throws Exception {
        try (Stream<Path> files = Files.list(JAR_SOURCE)) {
            List<Path> jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
            assertEquals(1, jars.size(), "expected the example plug-in JAR in " + JAR_SOURCE.toAbsolutePath()
                    + " (copied by maven-dependency-plugin), found " + jars);
            return jars.get(0);
        }
    }

    private static List<String> strategyNames() {
        return asOperator().get("/api/v1/strategies").then().statusCode(200).extract().jsonPath()
                .getList("name", String.class);
    }

    private static long totalRequests() {
        JsonPath s = AdminClient.service("plugin");
        return s.getList("backends.requests", Long.class).stream().mapToLong(Long::longValue).sum();
    }
}
