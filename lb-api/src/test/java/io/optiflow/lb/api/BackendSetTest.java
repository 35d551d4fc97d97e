package io.optiflow.lb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BackendSetTest {

    @Test
    void of_unsortedInput_sortsById() {
        BackendSet set = BackendSet.of(Backend.of("c", 1), Backend.of("a", 1), Backend.of("b", 1));
        assertEquals(List.of("a:1", "b:1", "c:1"), set.backends().stream().map(Backend::id).toList());
        assertEquals(1, set.indexOf("b:1"));
        assertEquals(-1, set.indexOf("zz"));
        assertEquals(3, set.totalWeight());
    }

    @Test
    void of_duplicateId_rejectedWithTheId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendSet.of(Backend.of("a", 1), Backend.of("a", 1, 3)));
        assertTrue(e.getMessage().contains("'a:1'"), e.getMessage());
    }

    @Test
    void equals_sameBackendsAnyOrder_equalButWeightChangeIsNot() {
        BackendSet one = BackendSet.of(Backend.of("a", 1), Backend.of("b", 2));
        BackendSet two = BackendSet.of(Backend.of("b", 2), Backend.of("a", 1));
        assertEquals(one, two);
        assertEquals(one.hashCode(), two.hashCode());
        assertNotEquals(one, BackendSet.of(Backend.of("b", 2), Backend.of("a", 1, 5)));
    }

    @Test
    void empty_isSharedAndEmpty() {
        assertSame(BackendSet.empty(), BackendSet.of(List.of()));
        assertTrue(BackendSet.empty().isEmpty());
        assertFalse(BackendSet.of(Backend.of("a", 1)).isEmpty());
    }

    @Test
    void backend_badValues_messagesNameValueAndExpectation() {
        assertEquals("port: 0 (expected: 1..65535)",
                assertThrows(IllegalArgumentException.class, () -> Backend.of("h", 0)).getMessage());
        assertEquals("weight: 0 (expected: 1..10000)",
                assertThrows(IllegalArgumentException.class, () -> Backend.of("h", 1, 0)).getMessage());
    }

    @Test
    void pickResult_backendAndRejection_answerTheirKind() {
        Backend b = Backend.of("::1", 80);
        assertTrue(b.isBackend());
        assertSame(b, b.backend());
        assertEquals("[::1]:80", b.authority());
        assertThrows(IllegalStateException.class, b::rejection);
        assertFalse(Rejection.NO_BACKEND.isBackend());
        assertSame(Rejection.RATE_LIMITED, Rejection.RATE_LIMITED.rejection());
        assertThrows(IllegalStateException.class, Rejection.NO_BACKEND::backend);
    }

    @Test
    void hash_sameTextSameKey_differentTextDifferentKey() {
        assertEquals(RequestContext.hash("user-42"), RequestContext.hash(new StringBuilder("user-42")));
        assertNotEquals(RequestContext.hash("user-42"), RequestContext.hash("user-43"));
    }
}
