package io.optiflow.lb.algorithms.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StripedCursorTest {

    @Test
    void get_afterSetOnThisThread_returnsWhatWasSet() {
        StripedCursor c = new StripedCursor(7);
        int stripe = StripedCursor.stripe();
        assertEquals(7, c.get(stripe));
        c.set(stripe, 3);
        assertEquals(3, c.get(StripedCursor.stripe()));
    }

    @Test
    void get_threadOfAnotherStripe_stillSeesTheInitialPosition() throws Exception {
        StripedCursor c = new StripedCursor(7);
        c.set(StripedCursor.stripe(), 3);
        AtomicLong seen = new AtomicLong(-1);
        Thread other = null;
        for (int i = 0; i < 1_000 && other == null; i++) {
            Thread t = new Thread(() -> seen.set(c.get(StripedCursor.stripe())));
            if (StripedCounter.index(t) != StripedCursor.stripe()) {
                other = t;
            }
        }
        other.start();
        other.join(10_000);
        assertEquals(7, seen.get());
    }
}
