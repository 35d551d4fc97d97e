package io.optiflow.lb.api;

/**
 * What a picker may know about the request it routes.
 *
 * <p>The proxy computes the {@link #hashKey()} once per request from the service's configured affinity source
 * (client address, a header, a cookie, or the path); strategies that ignore affinity ignore it.
 * Implementations may be reused across requests by the proxy: a picker must not keep a reference to the
 * context after {@code pick} returns.
 */
public interface RequestContext {

    /** A context with no path and hash key 0, for pickers that look at neither. */
    RequestContext EMPTY = of("/", 0L);

    /** What {@link #nowNanos()} returns when the caller has not read the clock. */
    long UNKNOWN_TIME = Long.MIN_VALUE;

    /** The HTTP method, upper case ({@code GET}, {@code POST}, ...). */
    String method();

    /** The request path, without the query string. */
    String path();

    /** A 64-bit key for affinity: requests with the same key should reach the same backend. */
    long hashKey();

    /**
     * The time of this pick on the same clock as {@link io.optiflow.lb.api.spi.StrategyContext#ticker()}, when the
     * caller has read it anyway (the proxy reads it to time the attempt), else {@link #UNKNOWN_TIME}. A picker that
     * needs the time uses it and reads its ticker only when it is unknown: one clock read per request instead of
     * two. Compatibility: added with a default, so contexts written against an older lb-api answer unknown.
     */
    default long nowNanos() {
        return UNKNOWN_TIME;
    }

    /** A fixed context, for tests and tools. */
    static RequestContext of(String path, long hashKey) {
        return of("GET", path, hashKey);
    }

    /** A fixed context, for tests and tools. */
    static RequestContext of(String method, String path, long hashKey) {
        return new Fixed(method, path, hashKey);
    }

    /**
     * A well-mixed 64-bit hash of {@code text} (FNV-1a over the UTF-16 chars, then a murmur3 finalizer);
     * stable across JVMs and releases, so affinity survives a restart. Allocation-free.
     */
    static long hash(CharSequence text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0, n = text.length(); i < n; i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** The murmur3 64-bit finalizer: spreads every input bit over every output bit. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The immutable context made by {@link #of}. */
    record Fixed(String method, String path, long hashKey) implements RequestContext {
    }
}
