package io.optiflow.lb.algorithms.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.testkit.TestBackends;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendMapTest {

    @Test
    void get_everyBackendOfTheSnapshot_itsOwnValue() {
        for (int n : new int[] {0, 1, 2, 3, 8, 1000}) {
            BackendSet set = TestBackends.of(n);
            Integer[] values = new Integer[n];
            for (int i = 0; i < n; i++) {
                values[i] = 10_000 + i; // not cached by Integer.valueOf: a value found elsewhere would not be same
            }
            BackendMap<Integer> map = BackendMap.of(set, values, Map.of());
            for (int i = 0; i < n; i++) {
                assertSame(values[i], map.get(set.get(i)), "backend " + i + " of " + n);
            }
        }
    }

    @Test
    void get_equalBackendFromAnotherSnapshot_foundById() {
        BackendSet set = TestBackends.of(3);
        Backend same = set.get(1);
        Backend equal = new Backend(same.id(), same.host(), same.port(), same.weight(), same.labels());
        assertEquals(same, equal);
        Map<String, String> byId = new HashMap<>();
        byId.put(same.id(), "by id");
        BackendMap<String> map = BackendMap.of(set, new String[] {"a", "by identity", "c"}, byId);
        assertEquals("by identity", map.get(same));
        assertEquals("by id", map.get(equal), "not the snapshot's object: looked up by id");
        assertEquals("by id", map.byId(same.id()));
    }

    @Test
    void get_unknownBackend_null() {
        BackendSet set = TestBackends.of(3);
        BackendMap<String> empty = BackendMap.of(BackendSet.of(List.of()), new String[0], Map.of());
        assertNull(empty.get(set.get(0)));
        assertNull(empty.byId(set.get(0).id()));
    }

    @Test
    void of_valuesNotOnePerBackend_throwsNamingBothCounts() {
        BackendSet set = TestBackends.of(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendMap.of(set, new String[2], Map.of()));
        assertEquals("values: 2 (expected: 3, one per backend of the snapshot)", e.getMessage());
    }
}
