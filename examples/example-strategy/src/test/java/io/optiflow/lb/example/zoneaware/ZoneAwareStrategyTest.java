package io.optiflow.lb.example.zoneaware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.testkit.TestContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZoneAwareStrategyTest {

    private static final Backend A1 = zoned("a1", "a", 9001);
    private static final Backend A2 = zoned("a2", "a", 9002);
    private static final Backend B1 = zoned("b1", "b", 9003);
    private static final Backend NONE = new Backend("n1", "127.0.0.1", 9004, 1, Map.of());

    private static Backend zoned(String id, String zone, int port) {
        return new Backend(id, "127.0.0.1", port, 1, Map.of("zone", zone));
    }

    private static Strategy strategy(Map<String, String> raw) {
        ZoneAwareProvider p = new ZoneAwareProvider();
        return p.newStrategy(p.parseConfig(raw).config(), TestContexts.seeded(1));
    }

    private static List<String> picks(Picker picker, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(picker.pick(RequestContext.EMPTY).backend().id());
        }
        return ids;
    }

    @Test
    void pick_zoneHasBackends_roundRobinOverThemOnly() {
        Picker picker = strategy(Map.of("zone", "a")).update(BackendSet.of(A1, B1, A2, NONE));
        assertEquals(List.of("a1", "a2", "a1", "a2", "a1", "a2"), picks(picker, 6));
    }

    @Test
    void pick_zoneHasNoBackend_roundRobinOverAll() {
        Picker picker = strategy(Map.of("zone", "c")).update(BackendSet.of(A1, B1, NONE));
        assertEquals(List.of("a1", "b1", "n1", "a1", "b1", "n1"), picks(picker, 6));
    }

    @Test
    void pick_noZoneConfigured_roundRobinOverAll() {
        Picker picker = strategy(Map.of()).update(BackendSet.of(A1, B1));
        assertEquals(List.of("a1", "b1", "a1", "b1"), picks(picker, 4));
    }

    @Test
    void pick_otherLabelConfigured_readsThatLabel() {
        Backend x = new Backend("x", "127.0.0.1", 9001, 1, Map.of("az", "a", "zone", "b"));
        Backend y = new Backend("y", "127.0.0.1", 9002, 1, Map.of("az", "b", "zone", "a"));
        Picker picker = strategy(Map.of("zone", "a", "label", "az")).update(BackendSet.of(x, y));
        assertEquals(List.of("x", "x", "x"), picks(picker, 3));
    }

    @Test
    void update_zoneLosesItsLastBackend_fallsBackToAll() {
        Strategy s = strategy(Map.of("zone", "a"));
        s.update(BackendSet.of(A1, B1));
        Picker picker = s.update(BackendSet.of(B1, NONE));
        assertEquals(List.of("b1", "n1", "b1"), picks(picker, 3));
    }

    @Test
    void update_sameSnapshot_keepsThePicker() {
        Strategy s = strategy(Map.of("zone", "a"));
        Picker first = s.update(BackendSet.of(A1, B1));
        assertSame(first, s.update(BackendSet.of(B1, A1)));
    }

    @Test
    void update_empty_noBackendPicker() {
        assertSame(Picker.NO_BACKEND, strategy(Map.of("zone", "a")).update(BackendSet.empty()));
    }
}
