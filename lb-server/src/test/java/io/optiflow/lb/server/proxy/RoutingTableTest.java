package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.server.config.ServiceSettings;
import io.optiflow.lb.server.metrics.LbMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

    private static ServiceRoute route(String name, String host, String prefix) {
        ServiceSpec spec = new ServiceSpec(name, List.of(), "round-robin", Map.of(), HealthPolicy.defaults());
        ServiceSettings s = new ServiceSettings(spec, host, prefix, 1000, 0, 0, 0, 1, 0, 1,
                ServiceSettings.HashKey.CLIENT_IP);
        return new ServiceRoute(s, null, LbMetrics.standalone(new SimpleMeterRegistry()).service(name), 0);
    }

    private final RoutingTable table = new RoutingTable(List.of(route("root", null, "/"),
            route("api", null, "/api"), route("apiv2", null, "/api/v2/"), route("shop", "shop.example", "/"),
            route("shopapi", "shop.example", "/api")));

    private String to(String host, String path) {
        ServiceRoute r = table.route(host, path);
        return r == null ? null : r.name;
    }

    @Test
    void route_longestPrefixWins() {
        assertEquals("api", to("x", "/api"));
        assertEquals("api", to("x", "/api/v1/users"));
        assertEquals("apiv2", to("x", "/api/v2/users"));
        assertEquals("root", to("x", "/other"));
    }

    @Test
    void route_prefixMatchesWholeSegmentsOnly() {
        assertEquals("root", to("x", "/apix"));
    }

    @Test
    void route_hostMatchFirst_ignoringPortAndCase() {
        assertEquals("shopapi", to("Shop.Example:8080", "/api/cart"));
        assertEquals("shop", to("shop.example", "/cart"));
        assertEquals("api", to("other.example", "/api/cart"));
    }

    @Test
    void route_noRootService_unknownPathIsNull() {
        RoutingTable t = new RoutingTable(List.of(route("api", null, "/api")));
        assertNull(t.route("x", "/"));
        assertEquals("root", RoutingTable.bareHost("root"));
        assertEquals("[::1]", RoutingTable.bareHost("[::1]:80"));
    }
}
