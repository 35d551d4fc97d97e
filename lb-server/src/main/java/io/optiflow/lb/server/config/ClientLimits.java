package io.optiflow.lb.server.config;

import io.optiflow.lb.api.spi.Durations;
import java.util.List;

/**
 * The data plane's defences against slow and greedy clients, checked ({@code lb.proxy.*}; docs/configuration.md).
 *
 * @param requestHeaderTimeoutMillis  a whole request head, from its first byte (from accept on a new connection)
 * @param bodyIdleTimeoutMillis       longest silence inside a request body
 * @param bodyMinRate                 bytes per second a body must average over each body idle timeout; 0 off
 * @param idleTimeoutMillis           a connection with no request in progress (keep-alive, HTTP/2 without streams)
 * @param maxConnections              client connections open at once
 * @param maxInFlightPerService       requests in flight per service
 * @param queuePerService             requests waiting per service when it is at its cap
 * @param queueTimeoutMillis          longest wait in that queue
 * @param http2MaxConcurrentStreams   SETTINGS_MAX_CONCURRENT_STREAMS
 * @param http2MaxResets              RST_STREAM frames per window before the connection is closed
 * @param http2ResetWindowMillis      that window
 * @param http2SettingsTimeoutMillis  time for the client to acknowledge the proxy's SETTINGS
 */
public record ClientLimits(long requestHeaderTimeoutMillis, long bodyIdleTimeoutMillis, int bodyMinRate,
                           long idleTimeoutMillis, int maxConnections, int maxInFlightPerService,
                           int queuePerService, long queueTimeoutMillis, int http2MaxConcurrentStreams,
                           int http2MaxResets, long http2ResetWindowMillis, long http2SettingsTimeoutMillis) {

    /** The defaults, as documented (tests that build a data plane by hand). */
    public static final ClientLimits DEFAULTS = new ClientLimits(10_000, 20_000, 500, 60_000, 10_000, 10_000, 1_000,
            2_000, 100, 200, 30_000, 10_000);

    /** Reads and checks the keys; problems go to {@code errors}, each naming its key. */
    static ClientLimits read(LbConfig.Proxy p, List<String> errors) {
        long header = millis(errors, "lb.proxy.request-header-timeout", p.requestHeaderTimeout());
        long bodyIdle = millis(errors, "lb.proxy.request-body-idle-timeout", p.requestBodyIdleTimeout());
        long idle = millis(errors, "lb.proxy.idle-timeout", p.idleTimeout());
        long queueTimeout = millis(errors, "lb.proxy.queue-timeout", p.queueTimeout());
        long resetWindow = millis(errors, "lb.proxy.http2.reset-window", p.http2().resetWindow());
        long settings = millis(errors, "lb.proxy.http2.settings-timeout", p.http2().settingsTimeout());
        atLeast(errors, "lb.proxy.request-body-min-rate", p.requestBodyMinRate(), 0, "0 = off");
        atLeast(errors, "lb.proxy.max-connections", p.maxConnections(), 1, null);
        atLeast(errors, "lb.proxy.max-in-flight-per-service", p.maxInFlightPerService(), 1, null);
        atLeast(errors, "lb.proxy.queue-per-service", p.queuePerService(), 0, "0 = no queue");
        atLeast(errors, "lb.proxy.http2.max-concurrent-streams", p.http2().maxConcurrentStreams(), 1, null);
        atLeast(errors, "lb.proxy.http2.max-resets", p.http2().maxResets(), 1, null);
        return new ClientLimits(header, bodyIdle, p.requestBodyMinRate(), idle, p.maxConnections(),
                p.maxInFlightPerService(), p.queuePerService(), queueTimeout, p.http2().maxConcurrentStreams(),
                p.http2().maxResets(), resetWindow, settings);
    }

    private static long millis(List<String> errors, String key, String text) {
        try {
            long nanos = Durations.parseNanos(text);
            if (nanos >= 1_000_000L) {
                return nanos / 1_000_000L;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        errors.add(key + ": '" + text + "' (expected: a duration of at least 1ms, such as 500ms, 10s or 1m)");
        return 1;
    }

    private static void atLeast(List<String> errors, String key, int value, int min, String note) {
        if (value < min) {
            errors.add(key + ": " + value + " (expected: " + min + " or more" + (note == null ? "" : "; " + note)
                    + ")");
        }
    }
}
