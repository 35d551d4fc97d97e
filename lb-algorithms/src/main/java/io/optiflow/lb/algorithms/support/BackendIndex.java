package io.optiflow.lb.algorithms.support;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;

/**
 * A backend's position in one snapshot, found by the identity of its {@link Backend} object: feedback normally
 * gets the very object the snapshot's picker returned, and finding it this way reads that object's identity hash
 * (already in cache after the pick) and one slot, where a map by id reads the id string, its hash and a map node,
 * each a likely cache miss at a thousand backends. An equal backend from another snapshot is not found (-1): the
 * caller then looks it up by id.
 *
 * <p>Built once per snapshot by the strategy's writer; {@link #indexOf} is allocation-free and lock-free.
 */
public final class BackendIndex {

    private final Backend[] keys;
    private final int[] positions;
    private final int mask;

    private BackendIndex(Backend[] keys, int[] positions) {
        this.keys = keys;
        this.positions = positions;
        this.mask = keys.length - 1;
    }

    /** The index of {@code snapshot}: open addressing, at most half full. */
    public static BackendIndex of(BackendSet snapshot) {
        int n = snapshot.size();
        int capacity = Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1; // a power of two >= 2n
        Backend[] keys = new Backend[capacity];
        int[] positions = new int[capacity];
        for (int i = 0; i < n; i++) {
            Backend b = snapshot.get(i);
            int slot = spread(System.identityHashCode(b)) & (capacity - 1);
            while (keys[slot] != null) {
                slot = (slot + 1) & (capacity - 1);
            }
            keys[slot] = b;
            positions[slot] = i;
        }
        return new BackendIndex(keys, positions);
    }

    /** The snapshot index of this very object, or -1 (another object, equal or not). */
    public int indexOf(Backend backend) {
        Backend[] k = keys;
        int slot = spread(System.identityHashCode(backend)) & mask;
        Backend found;
        while ((found = k[slot]) != null) {
            if (found == backend) {
                return positions[slot];
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
