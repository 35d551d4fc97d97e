package io.optiflow.lb.algorithms.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.testkit.TestBackends;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendIndexTest {

    @Test
    void indexOf_everyBackendOfTheSnapshot_itsPosition() {
        for (int n : new int[] {0, 1, 2, 3, 8, 1000}) {
            BackendSet set = TestBackends.of(n);
            BackendIndex index = BackendIndex.of(set);
            for (int i = 0; i < n; i++) {
                assertEquals(i, index.indexOf(set.get(i)), "backend " + i + " of " + n);
            }
        }
    }

    @Test
    void indexOf_equalBackendFromAnotherSnapshot_minusOne() {
        BackendSet set = TestBackends.of(3);
        BackendIndex index = BackendIndex.of(set);
        Backend same = set.get(1);
        Backend equal = new Backend(same.id(), same.host(), same.port(), same.weight(), same.labels());
        assertEquals(same, equal);
        assertEquals(-1, index.indexOf(equal), "found by identity only: the caller looks an equal one up by id");
        assertEquals(-1, BackendIndex.of(BackendSet.of(List.of())).indexOf(same));
    }
}
