package io.optiflow.lb.api;

/**
 * What happened to the requests a picker sent: the proxy calls {@link #onStart} once when a request goes to a
 * backend and {@link #onComplete} exactly once when it ends, whatever the outcome. It calls the forms that carry
 * its clock readings ({@link #onStart(Backend, long)}, {@link #onComplete(Backend, long, Outcome, long)}); their
 * defaults call the older forms, so a strategy may implement either.
 *
 * <p>Threading: called concurrently from many request threads, on the request path: implementations must be
 * lock-free and allocation-free (atomics over per-backend state prepared by the strategy). The backend passed
 * may have left the current snapshot in the meantime; implementations look it up by {@link Backend#id()} and
 * ignore a backend they no longer know.
 */
public interface LoadFeedback {

    /** A feedback that ignores everything, for strategies that keep no load state. */
    LoadFeedback NOOP = new LoadFeedback() {
        @Override
        public void onStart(Backend backend) {
        }

        @Override
        public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
        }
    };

    /** A request has been sent to {@code backend}. */
    void onStart(Backend backend);

    /**
     * A request has been sent to {@code backend}, with the time it started: the proxy reads its clock once just
     * before the pick that chose the backend, and passes that reading on, so a strategy that dates a start (how long
     * a busy backend has been waiting for an answer) needs no clock read of its own. The proxy calls this form; a
     * strategy switch seeds the new strategy with it too.
     *
     * <p>Compatibility: the default calls {@link #onStart(Backend)}, so a strategy built against an lb-api without
     * this method works unchanged. A strategy that overrides this one should make the one-argument form read its
     * ticker and call this one.
     *
     * @param nowNanos the time of the start, on the same clock (ticker) as
     *                 {@link io.optiflow.lb.api.spi.StrategyContext#ticker()} and as the {@code nowNanos} of
     *                 {@link #onComplete(Backend, long, Outcome, long)}: the proxy's {@code latencyNanos} is the
     *                 difference of the two readings
     */
    default void onStart(Backend backend, long nowNanos) {
        onStart(backend);
    }

    /**
     * A request sent to {@code backend} has ended.
     *
     * @param latencyNanos time from {@link #onStart} to the end of the response (or the failure), in nanoseconds
     * @param outcome      success, failure, or {@link Outcome#IGNORED} (release the slot, learn nothing)
     */
    void onComplete(Backend backend, long latencyNanos, Outcome outcome);

    /**
     * A request sent to {@code backend} has ended, with the time it ended: the proxy read its clock to measure
     * {@code latencyNanos}, and passes that reading on, so a strategy that keeps time-based state (decay, recency)
     * needs no clock read of its own here. The proxy calls this form.
     *
     * <p>Compatibility: the default calls {@link #onComplete(Backend, long, Outcome)}, so a strategy built against
     * an lb-api without this method works unchanged. A strategy that overrides this one should make the
     * three-argument form read its ticker and call this one.
     *
     * @param latencyNanos time from {@link #onStart} to the end of the response (or the failure), in nanoseconds
     * @param outcome      success, failure, or {@link Outcome#IGNORED}
     * @param nowNanos     the time of the end, on the same clock as
     *                     {@link io.optiflow.lb.api.spi.StrategyContext#ticker()}
     */
    default void onComplete(Backend backend, long latencyNanos, Outcome outcome, long nowNanos) {
        onComplete(backend, latencyNanos, outcome);
    }
}
