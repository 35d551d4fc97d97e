package io.optiflow.lb.dashboard.live;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Values that depend only on the sampler's snapshot (a picture, the backends' colours, the list of strategies),
 * worked out once per snapshot and shared by every open page: the second to tenth dashboard reuse the first one's
 * result instead of working it out again. Keeps only the newest value per key.
 */
public final class PerTick {

    private record Made(long sequence, Object value) {
    }

    private static final Map<String, Made> LATEST = new ConcurrentHashMap<>();

    private PerTick() {
    }

    /** The value {@code key} of snapshot {@code sequence}: made by {@code make} the first time, then shared. */
    @SuppressWarnings("unchecked")
    public static <T> T of(String key, long sequence, Supplier<T> make) {
        Made m = LATEST.get(key);
        if (m != null && m.sequence() == sequence) {
            return (T) m.value();
        }
        T value = make.get();
        LATEST.put(key, new Made(sequence, value));
        return value;
    }
}
