package io.optiflow.lb.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThreadLocalRandomSourceTest {

    @Test
    void nextInt_manyDraws_inBoundAndEveryValueSeen() {
        int[] seen = new int[5];
        for (int i = 0; i < 10_000; i++) {
            seen[ThreadLocalRandomSource.INSTANCE.nextInt(5)]++;
        }
        for (int n : seen) {
            assertTrue(n > 1_500, () -> java.util.Arrays.toString(seen)); // expected 2,000 each; 1,500 is > 10 sigma away
        }
        double d = ThreadLocalRandomSource.INSTANCE.nextDouble();
        assertTrue(d >= 0 && d < 1);
        assertThrows(IllegalArgumentException.class, () -> ThreadLocalRandomSource.INSTANCE.nextInt(0));
        long a = ThreadLocalRandomSource.INSTANCE.nextLong();
        long b = ThreadLocalRandomSource.INSTANCE.nextLong();
        assertTrue(a != b || ThreadLocalRandomSource.INSTANCE.nextLong() != a, "three equal longs in a row");
    }
}
