package io.optiflow.lb.server.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final long S = 1_000_000_000L;

    @Test
    void perClient_oneClientEmpty_otherClientStillServed() {
        RateLimiter l = new RateLimiter(0, 1, 1, 1, 0);
        assertEquals(0, l.tryAcquire("10.0.0.1", 0));
        assertTrue(l.tryAcquire("10.0.0.1", 0) > 0);
        assertEquals(0, l.tryAcquire("10.0.0.2", 0));
    }

    @Test
    void serviceWide_sharedByAllClients() {
        RateLimiter l = new RateLimiter(1, 2, 0, 1, 0);
        assertEquals(0, l.tryAcquire("a", 0));
        assertEquals(0, l.tryAcquire("b", 0));
        assertTrue(l.tryAcquire("c", 0) > 0);
        assertFalse(l.limitsClients());
    }

    @Test
    void evictIdle_dropsRefilledBucketsOnly() {
        RateLimiter l = new RateLimiter(0, 1, 1, 1, 0);
        l.tryAcquire("old", 0);
        l.tryAcquire("new", 5 * S);
        l.evictIdle(5 * S);
        assertEquals(1, l.clientCount());
    }

    @Test
    void noLimits_inactiveAndAlwaysPasses() {
        RateLimiter l = new RateLimiter(0, 1, 0, 1, 0);
        assertFalse(l.isActive());
        assertEquals(0, l.tryAcquire("x", 0));
    }
}
