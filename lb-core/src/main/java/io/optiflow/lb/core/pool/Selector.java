package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;

/**
 * The request-path face of a service pool at one moment: the published picker plus the feedback of the strategy
 * that made it. The proxy reads {@link ServicePool#selector()} once per request, keeps that selector for the
 * request's whole life, and reports to it: {@link #onStart} when the request is sent to the picked backend and
 * {@link #onComplete} exactly once when it ends. A selector stays valid after a strategy switch: its requests
 * report to the strategy that picked them, and (with {@link Outcome#IGNORED}) release the in-flight slots the
 * newer strategies were seeded with.
 *
 * <p>Threading: all methods are called concurrently from request threads; lock-free and allocation-free.
 */
public interface Selector {

    /** A backend that may take the request, or a rejection. Does not count the request as started. */
    PickResult pick(RequestContext ctx);

    /** The request is being sent to {@code backend}: counts in-flight and requests. */
    void onStart(Backend backend);

    /**
     * As {@link #onStart(Backend)}, with the time of the start on the pool's ticker (the reading the caller took
     * just before the pick), passed on to the strategy so it needs no clock read of its own.
     */
    void onStart(Backend backend, long nowNanos);

    /** The request sent to {@code backend} ended; feeds statistics, passive health and the strategy. */
    void onComplete(Backend backend, long latencyNanos, Outcome outcome);

    /**
     * As {@link #onComplete(Backend, long, Outcome)}, with the time of the end on the pool's ticker (the reading the
     * caller took to measure the latency), passed on to the strategy so it needs no clock read of its own.
     */
    void onComplete(Backend backend, long latencyNanos, Outcome outcome, long nowNanos);
}
