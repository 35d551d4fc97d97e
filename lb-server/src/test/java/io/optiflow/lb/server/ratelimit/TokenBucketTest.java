package io.optiflow.lb.server.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long S = 1_000_000_000L;

    @Test
    void tryAcquire_burstThenEmpty_waitUntilNextToken() {
        TokenBucket b = new TokenBucket(2, 3, 0);
        assertEquals(0, b.tryAcquire(0));
        assertEquals(0, b.tryAcquire(0));
        assertEquals(0, b.tryAcquire(0));
        assertEquals(S / 2, b.tryAcquire(0), "fourth request waits one interval (1/rps)");
        assertEquals(0, b.tryAcquire(S / 2), "a token is back after 1/rps");
        assertTrue(b.tryAcquire(S / 2) > 0);
    }

    @Test
    void tryAcquire_afterLongIdle_burstNotExceeded() {
        TokenBucket b = new TokenBucket(10, 2, 0);
        long later = 100 * S;
        assertEquals(0, b.tryAcquire(later));
        assertEquals(0, b.tryAcquire(later));
        assertTrue(b.tryAcquire(later) > 0, "idle time does not save up more than the burst");
        assertFalse(b.isIdle(later));
        assertTrue(b.isIdle(later + S));
    }

    @Test
    void tryAcquire_manyThreadsAtOneInstant_exactlyBurstPass() throws Exception {
        TokenBucket b = new TokenBucket(1, 50, 0);
        AtomicInteger passed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 400; i++) {
            pool.execute(() -> {
                if (b.tryAcquire(5) == 0) {
                    passed.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(50, passed.get());
    }

    @Test
    void constructor_badRate_namesValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
        assertTrue(e.getMessage().contains("rps: 0.0"), e.getMessage());
    }

    @Test
    void retryAfterSeconds_roundsUpToWholeSeconds() {
        assertEquals(1, RateLimiter.retryAfterSeconds(1));
        assertEquals(1, RateLimiter.retryAfterSeconds(S));
        assertEquals(2, RateLimiter.retryAfterSeconds(S + 1));
    }
}
