package io.optiflow.lb.core.pool;

/** What an operator says of a backend. */
public enum AdminState {
    /** Takes new requests (when healthy). */
    ENABLED,
    /** Takes no new requests; requests in flight finish. */
    DRAINING,
    /** Takes no requests. */
    DISABLED
}
