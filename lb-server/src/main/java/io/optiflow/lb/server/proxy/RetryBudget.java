package io.optiflow.lb.server.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps retries after a request was sent under a share of a service's recent requests, so a struggling service is
 * not hit by a retry storm. Lock-free counters; {@link #decay} (every few seconds, off the request path) halves
 * both so "recent" means the last few windows. A small floor lets a quiet service retry at all.
 */
final class RetryBudget {

    static final long MIN_RETRIES = 10;

    private final int percent;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    RetryBudget(int percent) {
        this.percent = percent;
    }

    void onRequest() {
        requests.incrementAndGet();
    }

    /** Takes one retry from the budget if it allows one. */
    boolean tryRetry() {
        if (percent <= 0) {
            return false;
        }
        long r = retries.get();
        if (r >= MIN_RETRIES && r * 100 >= requests.get() * percent) {
            return false;
        }
        retries.incrementAndGet();
        return true;
    }

    void decay() {
        requests.set(requests.get() / 2);
        retries.set(retries.get() / 2);
    }
}
