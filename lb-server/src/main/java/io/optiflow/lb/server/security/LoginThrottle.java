package io.optiflow.lb.server.security;

import io.optiflow.lb.api.spi.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Wrong admin logins counted per client address. The first {@code freeFailures} cost nothing; each one after that
 * makes the address wait before its next attempt: {@code firstWait}, then twice as long per further wrong login, up
 * to {@code maxWait}. A right login forgets the address; so does an hour without a wrong one.
 *
 * <p>Memory is bounded: at most {@link #MAX_ADDRESSES} addresses are tracked. When that many are, forgotten ones are
 * swept out, and if none can be, new addresses share one entry (so a spray from many addresses slows itself down
 * rather than growing the map).
 *
 * <p>Threading: every method is thread-safe; each address is updated atomically.
 */
final class LoginThrottle {

    static final int MAX_ADDRESSES = 10_000;
    static final long FORGET_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final String OVERFLOW = "(overflow)";

    /** What a wrong login did to its address: the count so far and the wait it now has (0 while still free). */
    record Failure(int count, long waitNanos) {
    }

    private record Entry(int failures, long lastFailureNanos, long blockedUntilNanos) {
    }

    private final int freeFailures;
    private final long firstWaitNanos;
    private final long maxWaitNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Entry> byAddress = new ConcurrentHashMap<>();

    LoginThrottle(int freeFailures, long firstWaitNanos, long maxWaitNanos, LongSupplier clock) {
        if (freeFailures < 0) {
            throw new IllegalArgumentException("freeFailures: " + freeFailures + " (expected: >= 0)");
        }
        if (firstWaitNanos <= 0 || maxWaitNanos < firstWaitNanos) {
            throw new IllegalArgumentException("waits: " + firstWaitNanos + ".." + maxWaitNanos
                    + "ns (expected: 0 < first <= max)");
        }
        this.freeFailures = freeFailures;
        this.firstWaitNanos = firstWaitNanos;
        this.maxWaitNanos = maxWaitNanos;
        this.clock = clock;
    }

    /**
     * A throttle on the {@code lb.admin.login.*} settings.
     *
     * @throws IllegalStateException naming each bad key and what was expected
     */
    static LoginThrottle fromConfig(AdminConfig.Login login, LongSupplier clock) {
        List<String> errors = new ArrayList<>();
        if (login.freeFailures() < 0) {
            errors.add("lb.admin.login.free-failures: " + login.freeFailures() + " (expected: 0 or more)");
        }
        long first = duration(errors, "lb.admin.login.first-wait", login.firstWait());
        long max = duration(errors, "lb.admin.login.max-wait", login.maxWait());
        if (errors.isEmpty() && max < first) {
            errors.add("lb.admin.login.max-wait: '" + login.maxWait() + "' (expected: at least first-wait, "
                    + login.firstWait() + ")");
        }
        if (login.maxConcurrentHashes() < 1) {
            errors.add("lb.admin.login.max-concurrent-hashes: " + login.maxConcurrentHashes()
                    + " (expected: 1 or more)");
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("admin login throttling is misconfigured: " + String.join("; ", errors));
        }
        return new LoginThrottle(login.freeFailures(), first, max, clock);
    }

    private static long duration(List<String> errors, String key, String text) {
        try {
            long nanos = Durations.parseNanos(text);
            if (nanos > 0) {
                return nanos;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        errors.add(key + ": '" + text + "' (expected: a duration above 0 such as 500ms, 1s or 5m)");
        return 0;
    }

    /** Nanoseconds {@code address} must still wait before its next login attempt; 0 when it may try now. */
    long waitNanos(String address) {
        Entry e = byAddress.get(address);
        if (e == null && byAddress.size() >= MAX_ADDRESSES) {
            e = byAddress.get(OVERFLOW);
        }
        return e == null ? 0 : Math.max(0, e.blockedUntilNanos - clock.getAsLong());
    }

    /** Counts a wrong login from {@code address}. */
    Failure failed(String address) {
        long now = clock.getAsLong();
        String key = byAddress.containsKey(address) || roomFor(now) ? address : OVERFLOW;
        Entry e = byAddress.compute(key, (k, old) -> {
            int failures = old == null || now - old.lastFailureNanos >= FORGET_NANOS ? 1 : old.failures + 1;
            long wait = waitAfter(failures);
            return new Entry(failures, now, wait == 0 ? 0 : now + wait);
        });
        return new Failure(e.failures, waitAfter(e.failures));
    }

    /** A right login from {@code address}: forgets its wrong ones and returns how many there were. */
    int succeeded(String address) {
        Entry e = byAddress.remove(address);
        return e == null ? 0 : e.failures;
    }

    /** Addresses tracked now. */
    int size() {
        return byAddress.size();
    }

    long waitAfter(int failures) {
        int beyond = failures - freeFailures;
        if (beyond <= 0) {
            return 0;
        }
        int doublings = beyond - 1;
        if (doublings >= Long.numberOfLeadingZeros(firstWaitNanos) - 1) {
            return maxWaitNanos; // the shift would overflow
        }
        return Math.min(maxWaitNanos, firstWaitNanos << doublings);
    }

    /** Whether a new address may get an entry of its own, sweeping out forgotten ones when the map is full. */
    private boolean roomFor(long now) {
        if (byAddress.size() < MAX_ADDRESSES) {
            return true;
        }
        for (Map.Entry<String, Entry> e : byAddress.entrySet()) {
            Entry v = e.getValue();
            if (now - v.lastFailureNanos >= FORGET_NANOS && now >= v.blockedUntilNanos) {
                byAddress.remove(e.getKey(), v);
            }
        }
        return byAddress.size() < MAX_ADDRESSES;
    }

    /** Whole seconds for a Retry-After header (rounded up, at least 1). */
    static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }
}
