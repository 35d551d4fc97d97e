package io.optiflow.lb.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Wrong-login waits per address, on a clock moved by hand. */
class LoginThrottleTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private long now = 1_000 * SECOND;
    private final LoginThrottle throttle = new LoginThrottle(3, SECOND, 8 * SECOND, () -> now);

    @Test
    void failed_beyondTheFreeOnes_waitDoublesPerFailureUpToTheMax() {
        long[] waits = new long[9];
        for (int i = 0; i < waits.length; i++) {
            now += 100 * SECOND; // each attempt after the previous wait is over
            waits[i] = throttle.failed("10.0.0.1").waitNanos();
        }
        assertEquals("[0, 0, 0, 1, 2, 4, 8, 8, 8]", seconds(waits));
    }

    @Test
    void waitNanos_afterAFailureBeyondTheFreeOnes_countsDownAndOnlyForThatAddress() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.1");
        }
        assertEquals(SECOND, throttle.waitNanos("10.0.0.1"));
        assertEquals(0, throttle.waitNanos("10.0.0.2"));
        now += SECOND / 4;
        assertEquals(SECOND * 3 / 4, throttle.waitNanos("10.0.0.1"));
        now += SECOND;
        assertEquals(0, throttle.waitNanos("10.0.0.1"));
    }

    @Test
    void succeeded_afterFailures_forgetsThemAndReportsHowMany() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0.1");
        }
        assertEquals(5, throttle.succeeded("10.0.0.1"));
        assertEquals(0, throttle.waitNanos("10.0.0.1"));
        assertEquals(1, throttle.failed("10.0.0.1").count(), "counting starts again after a right login");
        assertEquals(0, throttle.succeeded("10.0.0.2"));
    }

    @Test
    void failed_anHourAfterTheLastOne_startsCountingAgain() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("10.0.0.1");
        }
        now += LoginThrottle.FORGET_NANOS;
        assertEquals(new LoginThrottle.Failure(1, 0), throttle.failed("10.0.0.1"));
    }

    @Test
    void failed_fromMoreAddressesThanTracked_newOnesShareOneEntryAndMemoryStaysBounded() {
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES; i++) {
            throttle.failed("a" + i);
        }
        assertEquals(LoginThrottle.MAX_ADDRESSES, throttle.size());
        for (int i = 0; i < 4; i++) {
            throttle.failed("spray-" + i); // four addresses, one shared count: the fourth is beyond the free three
        }
        assertEquals(LoginThrottle.MAX_ADDRESSES + 1, throttle.size());
        assertTrue(throttle.waitNanos("never-seen") > 0, "an untracked address waits with the shared entry");
        assertEquals(0, throttle.waitNanos("a1"), "tracked addresses keep their own count");

        now += LoginThrottle.FORGET_NANOS + SECOND; // all forgotten: the next new address sweeps them out
        assertEquals(1, throttle.failed("fresh").count());
        assertTrue(throttle.size() <= 2, "forgotten addresses were not swept: " + throttle.size());
    }

    @Test
    void retryAfterSeconds_roundsUpToWholeSecondsAtLeastOne() {
        assertEquals(1, LoginThrottle.retryAfterSeconds(1));
        assertEquals(1, LoginThrottle.retryAfterSeconds(SECOND));
        assertEquals(2, LoginThrottle.retryAfterSeconds(SECOND + 1));
    }

    @Test
    void waitAfter_hugeFailureCounts_staysAtTheMaxWithoutOverflow() {
        assertEquals(8 * SECOND, throttle.waitAfter(70));
        assertEquals(8 * SECOND, throttle.waitAfter(Integer.MAX_VALUE));
    }

    @Test
    void fromConfig_badSettings_failsNamingEachKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LoginThrottle.fromConfig(
                new AdminUsersTest.LoginSettings(-1, "soon", "0s", 0), () -> 0));
        String m = e.getMessage();
        assertTrue(m.contains("lb.admin.login.free-failures: -1 (expected: 0 or more)"), m);
        assertTrue(m.contains("lb.admin.login.first-wait: 'soon'"), m);
        assertTrue(m.contains("lb.admin.login.max-wait: '0s'"), m);
        assertTrue(m.contains("lb.admin.login.max-concurrent-hashes: 0"), m);

        e = assertThrows(IllegalStateException.class, () -> LoginThrottle.fromConfig(
                new AdminUsersTest.LoginSettings(5, "10s", "1s", 2), () -> 0));
        assertTrue(e.getMessage().contains("lb.admin.login.max-wait: '1s' (expected: at least first-wait, 10s)"),
                e.getMessage());
    }

    private static String seconds(long[] nanos) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < nanos.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(nanos[i] / SECOND);
        }
        return sb.append(']').toString();
    }
}
