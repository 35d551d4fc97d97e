package io.optiflow.lb.dashboard.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditTextTest {

    @Test
    void readable_strategyWithConfig_nameAndSettings() {
        assertEquals("consistent-hash (replicas=200)",
                AuditText.readable("{\"name\":\"consistent-hash\",\"config\":{\"replicas\":\"200\"}}"));
        assertEquals("round-robin", AuditText.readable("{\"name\":\"round-robin\",\"config\":{}}"));
    }

    @Test
    void readable_backendOrOther_weightAndStateOrRawText() {
        assertEquals("weight 3 · DRAINING",
                AuditText.readable("{\"url\":\"http://h:1\",\"weight\":3,\"state\":\"DRAINING\"}"));
        assertEquals("-", AuditText.readable(null));
        assertEquals("not json", AuditText.readable("not json"));
    }

    @Test
    void strategy_beforeValue_readBackForARevert() {
        AuditText.StrategyValue v = AuditText.strategy("{\"name\":\"x\",\"config\":{\"a\":\"1\"}}").orElseThrow();
        assertEquals("x", v.name());
        assertEquals(Map.of("a", "1"), v.config());
        assertTrue(AuditText.strategy("{\"url\":\"http://h:1\"}").isEmpty());
    }
}
