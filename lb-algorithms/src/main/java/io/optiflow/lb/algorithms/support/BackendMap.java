package io.optiflow.lb.algorithms.support;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import java.util.Map;

/**
 * A strategy's per-backend value (a counter, a state) for the feedback to find: first by the identity of the
 * {@link Backend} object, as feedback normally gets the very object the snapshot's picker returned, else by id,
 * for an equal backend from another snapshot or one that left the snapshot with requests still in flight.
 *
 * <p>The identity probe reads the backend's identity hash (its header is in cache after the pick) and one slot
 * that holds the key and its value side by side (open addressing in one array), so a lookup is one likely cache
 * miss at a thousand backends where a map by id reads the id string, its hash and a map node, and an index of
 * positions reads the keys, the positions and the values array apart.
 *
 * <p>Built once per snapshot by the strategy's writer and published whole (through a volatile field); {@link #get}
 * is allocation-free and lock-free.
 *
 * @param <V> the value type
 */
public final class BackendMap<V> {

    /** Key of slot s at 2s, its value at 2s + 1; at most half of the slots are used. */
    private final Object[] table;
    /** Slots - 1 (slots is a power of two). */
    private final int mask;
    /** Every value by backend id: the snapshot's and those of backends that left it while still in use. */
    private final Map<String, V> byId;

    private BackendMap(Object[] table, int mask, Map<String, V> byId) {
        this.table = table;
        this.mask = mask;
        this.byId = byId;
    }

    /**
     * The map of {@code snapshot}: {@code values[i]} belongs to {@code snapshot.get(i)}; {@code byId} answers for
     * any other backend object (it is not copied: never modify it after this call).
     */
    public static <V> BackendMap<V> of(BackendSet snapshot, V[] values, Map<String, V> byId) {
        int n = snapshot.size();
        if (values.length != n) {
            throw new IllegalArgumentException("values: " + values.length + " (expected: " + n
                    + ", one per backend of the snapshot)");
        }
        int slots = Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1; // a power of two >= 2n
        Object[] table = new Object[2 * slots];
        for (int i = 0; i < n; i++) {
            Backend b = snapshot.get(i);
            int s = spread(System.identityHashCode(b)) & (slots - 1);
            while (table[2 * s] != null) {
                s = (s + 1) & (slots - 1);
            }
            table[2 * s] = b;
            table[2 * s + 1] = values[i];
        }
        return new BackendMap<>(table, slots - 1, byId);
    }

    /** The value of {@code backend}: by identity in the snapshot, else by id; null when unknown. */
    @SuppressWarnings("unchecked")
    public V get(Backend backend) {
        Object[] t = table;
        int s = spread(System.identityHashCode(backend)) & mask;
        Object found;
        while ((found = t[2 * s]) != null) {
            if (found == backend) {
                return (V) t[2 * s + 1];
            }
            s = (s + 1) & mask;
        }
        return byId.get(backend.id());
    }

    /** The value of the backend with this id, current or still in use; null when unknown. */
    public V byId(String id) {
        return byId.get(id);
    }

    /** Every value by id (unmodifiable by contract: the map is shared with readers). */
    public Map<String, V> values() {
        return byId;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
