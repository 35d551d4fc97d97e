package io.optiflow.lb.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticDiscoveryTest {

    @Test
    void start_reportsTheConfiguredInstancesOnce() {
        DiscoveredInstance a = new DiscoveredInstance("127.0.0.1", 9001, 1, Map.of());
        DiscoveredInstance b = new DiscoveredInstance("127.0.0.1", 9002, 3, Map.of("zone", "a"));
        List<List<DiscoveredInstance>> reports = new ArrayList<>();
        try (StaticDiscovery d = new StaticDiscovery(List.of(a, b))) {
            d.start(reports::add);
        }
        assertEquals(List.of(List.of(a, b)), reports);
        assertEquals("127.0.0.1:9002", b.id());
    }

    @Test
    void constructor_duplicateHostPort_rejectedNamingIt() {
        DiscoveredInstance a = new DiscoveredInstance("h", 1, 1, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StaticDiscovery(List.of(a, new DiscoveredInstance("h", 1, 2, Map.of()))));
        assertEquals("backends: 'h:1' listed twice (expected: each host:port once)", e.getMessage());
    }

    @Test
    void instance_badPortOrWeight_messageNamesValue() {
        assertEquals("port: 70000 (expected: 1..65535)", assertThrows(IllegalArgumentException.class,
                () -> new DiscoveredInstance("h", 70000, 1, null)).getMessage());
        assertEquals("weight: 0 (expected: 1..10000)", assertThrows(IllegalArgumentException.class,
                () -> new DiscoveredInstance("h", 1, 0, null)).getMessage());
    }
}
