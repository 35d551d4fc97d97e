package io.optiflow.lb.core.config;

/**
 * How a service's backends are judged healthy.
 *
 * @param activeEnabled          whether active HTTP checks run
 * @param path                   path of the active check ({@code GET}, 2xx/3xx is healthy)
 * @param intervalNanos          time between checks of one backend
 * @param timeoutNanos           a check slower than this fails
 * @param rise                   consecutive passing checks to mark a DOWN backend UP
 * @param fall                   consecutive failing checks to mark an UP backend DOWN
 * @param consecutiveFailures    consecutive failed requests that eject a backend (passive), 0 = off
 * @param baseEjectionNanos      first ejection time; the n-th ejection in a row lasts n times this
 * @param maxEjectionNanos       cap on one ejection's time
 * @param maxEjectedPercent      at most this share (0..100) of a service's backends ejected at once
 */
public record HealthPolicy(boolean activeEnabled, String path, long intervalNanos, long timeoutNanos, int rise,
                           int fall, int consecutiveFailures, long baseEjectionNanos, long maxEjectionNanos,
                           int maxEjectedPercent) {

    /** Active checks of {@code /} every 5 s (2 s timeout, rise 2, fall 3); ejection after 5 failures, 30 s base, 300 s cap, 50 %. */
    public static HealthPolicy defaults() {
        return new HealthPolicy(true, "/", 5_000_000_000L, 2_000_000_000L, 2, 3, 5, 30_000_000_000L,
                300_000_000_000L, 50);
    }
}
