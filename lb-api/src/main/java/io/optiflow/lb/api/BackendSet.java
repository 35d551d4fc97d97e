package io.optiflow.lb.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * An immutable snapshot of the backends a strategy may pick from, sorted by {@link Backend#id()}, ids unique.
 *
 * <p>Index-based access ({@link #size()}, {@link #get(int)}) reads a plain array and allocates nothing, so a
 * picker may use it on the request path. Two sets are equal when they hold equal backends (weights and
 * labels included), so a writer can drop an update that changes nothing.
 */
public final class BackendSet {

    private static final BackendSet EMPTY = new BackendSet(new Backend[0]);

    private final Backend[] backends;
    private final List<Backend> view;
    private final int totalWeight;

    private BackendSet(Backend[] sortedUnique) {
        this.backends = sortedUnique;
        this.view = Collections.unmodifiableList(Arrays.asList(sortedUnique));
        long sum = 0;
        for (Backend b : sortedUnique) {
            sum += b.weight();
        }
        this.totalWeight = (int) Math.min(Integer.MAX_VALUE, sum);
    }

    /** The empty set. */
    public static BackendSet empty() {
        return EMPTY;
    }

    /** A set of the given backends, sorted by id. */
    public static BackendSet of(Backend... backends) {
        return of(Arrays.asList(backends));
    }

    /**
     * A set of the given backends, sorted by id.
     *
     * @throws IllegalArgumentException if two backends share an id
     */
    public static BackendSet of(Collection<Backend> backends) {
        if (backends.isEmpty()) {
            return EMPTY;
        }
        Backend[] sorted = backends.toArray(new Backend[0]);
        for (Backend b : sorted) {
            if (b == null) {
                throw new NullPointerException("backends: contains null");
            }
        }
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].id().equals(sorted[i - 1].id())) {
                throw new IllegalArgumentException("backends: duplicate id '" + sorted[i].id()
                        + "' (expected: unique ids)");
            }
        }
        return new BackendSet(sorted);
    }

    /** The backends, sorted by id; an unmodifiable list. */
    public List<Backend> backends() {
        return view;
    }

    public int size() {
        return backends.length;
    }

    public boolean isEmpty() {
        return backends.length == 0;
    }

    /** The backend at {@code index} in id order; allocation-free. */
    public Backend get(int index) {
        return backends[index];
    }

    /** Sum of the weights (saturating at {@link Integer#MAX_VALUE}). */
    public int totalWeight() {
        return totalWeight;
    }

    /** Index of the backend with this id, or -1. Binary search; allocation-free. */
    public int indexOf(String id) {
        int lo = 0;
        int hi = backends.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = backends[mid].id().compareTo(id);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The backend with this id, or {@code null}. */
    public Backend find(String id) {
        int i = indexOf(id);
        return i < 0 ? null : backends[i];
    }

    /** A new set without the backend of this id (this set if absent). */
    public BackendSet without(String id) {
        int i = indexOf(id);
        if (i < 0) {
            return this;
        }
        List<Backend> copy = new ArrayList<>(view);
        copy.remove(i);
        return of(copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendSet other && Arrays.equals(backends, other.backends);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(backends);
    }

    @Override
    public String toString() {
        return "BackendSet" + view;
    }
}
