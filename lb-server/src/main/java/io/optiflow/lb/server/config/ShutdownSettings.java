package io.optiflow.lb.server.config;

import io.optiflow.lb.api.spi.Durations;
import java.util.ArrayList;
import java.util.List;

/**
 * What SIGTERM does, checked (docs/deployment.md).
 *
 * @param drainDelayNanos time between readiness DOWN and the data plane closing its listener
 * @param timeoutNanos    the longest requests in flight may take after that before the process exits
 */
public record ShutdownSettings(long drainDelayNanos, long timeoutNanos) {

    /** @throws InvalidConfigException naming every bad {@code lb.shutdown.*} key */
    public static ShutdownSettings from(LbConfig config) {
        List<String> errors = new ArrayList<>();
        long delay = parse(errors, "lb.shutdown.drain-delay", config.shutdown().drainDelay());
        long timeout = parse(errors, "lb.shutdown.timeout", config.shutdown().timeout());
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
        return new ShutdownSettings(delay, timeout);
    }

    private static long parse(List<String> errors, String key, String text) {
        try {
            return Durations.parseNanos(text);
        } catch (IllegalArgumentException e) {
            errors.add(key + ": '" + text + "' (expected: a duration such as 500ms, 5s or 1m)");
            return 0;
        }
    }
}
