package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    @Test
    void tryRetry_twentyPercentOf200Requests_allowsForty() {
        RetryBudget b = new RetryBudget(20);
        for (int i = 0; i < 200; i++) {
            b.onRequest();
        }
        assertEquals(40, granted(b, 100));
    }

    @Test
    void tryRetry_quietService_allowsTheFloor() {
        RetryBudget b = new RetryBudget(20);
        b.onRequest();
        assertEquals(RetryBudget.MIN_RETRIES, granted(b, 100));
    }

    @Test
    void decay_halvesRequestsAndRetries_budgetFollows() {
        RetryBudget b = new RetryBudget(20);
        for (int i = 0; i < 400; i++) {
            b.onRequest();
        }
        assertEquals(80, granted(b, 80));
        b.decay(); // 200 requests, 40 retries: at the limit
        assertFalse(b.tryRetry());
        for (int i = 0; i < 100; i++) {
            b.onRequest();
        }
        assertEquals(20, granted(b, 100)); // 300 requests: 60 retries in all
    }

    @Test
    void tryRetry_percentZero_never() {
        RetryBudget b = new RetryBudget(0);
        b.onRequest();
        assertFalse(b.tryRetry());
    }

    private static long granted(RetryBudget b, int asks) {
        long n = 0;
        for (int i = 0; i < asks; i++) {
            if (b.tryRetry()) {
                n++;
            }
        }
        return n;
    }
}
