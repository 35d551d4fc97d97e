package io.optiflow.lb.testkit;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import java.util.ArrayList;
import java.util.List;

/** Backends for tests: {@code b01..bNN} on 127.0.0.1, ports 10001.., ids sort in creation order. */
public final class TestBackends {

    private TestBackends() {
    }

    /** Backend number {@code i} (1-based), weight 1. */
    public static Backend backend(int i) {
        return backend(i, 1);
    }

    /** Backend number {@code i} (1-based) with a weight. */
    public static Backend backend(int i, int weight) {
        return new Backend(String.format("b%04d", i), "127.0.0.1", 10_000 + i, weight, java.util.Map.of());
    }

    /** {@code n} backends of weight 1. */
    public static BackendSet of(int n) {
        List<Backend> list = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            list.add(backend(i));
        }
        return BackendSet.of(list);
    }

    /** Backends with the given weights, numbered from 1. */
    public static BackendSet weighted(int... weights) {
        List<Backend> list = new ArrayList<>(weights.length);
        for (int i = 0; i < weights.length; i++) {
            list.add(backend(i + 1, weights[i]));
        }
        return BackendSet.of(list);
    }
}
