package io.optiflow.lb.server.proxy;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps retries after a request was sent under a share of a service's recent requests, so a struggling service is
 * not hit by a retry storm. Lock-free counters; {@link #decay} (every few seconds, off the request path) halves
 * both so "recent" means the last few windows. A small floor lets a quiet service retry at all. Requests are
 * counted in a striped adder: every request of every event loop counts one, and a single shared atomic would
 * move its cache line between the loops' cores on each of them; retries are rare and read it.
 */
final class RetryBudget {

    static final long MIN_RETRIES = 10;

    private final int percent;
    private final LongAdder requests = new LongAdder();
    private final AtomicLong retries = new AtomicLong();

    RetryBudget(int percent) {
        this.percent = percent;
    }

    void onRequest() {
        requests.increment();
    }

    /** Takes one retry from the budget if it allows one. */
    boolean tryRetry() {
        if (percent <= 0) {
            return false;
        }
        long r = retries.get();
        if (r >= MIN_RETRIES && r * 100 >= requests.sum() * percent) {
            return false;
        }
        retries.incrementAndGet();
        return true;
    }

    void decay() {
        long n = requests.sum();
        requests.add(-(n - n / 2)); // to half; requests counted meanwhile stay counted
        retries.set(retries.get() / 2);
    }
}
