package io.optiflow.lb.core.pool;

/** What the load balancer has found of a backend. */
public enum HealthStatus {
    /** Passing (or not yet checked: backends start UP so traffic flows at once). */
    UP,
    /** Failed {@code fall} active checks in a row; back UP after {@code rise} passes. */
    DOWN,
    /** Ejected by passive checks (consecutive failed requests) until its ejection time ends. */
    EJECTED
}
