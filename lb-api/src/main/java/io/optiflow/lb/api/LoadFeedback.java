package io.optiflow.lb.api;

/**
 * What happened to the requests a picker sent: the proxy calls {@link #onStart} once when a request goes to a
 * backend and {@link #onComplete} exactly once when it ends, whatever the outcome.
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
     * @param nowNanos     the time of the end, on the same clock as {@link StrategyContext#ticker()}
     */
    default void onComplete(Backend backend, long latencyNanos, Outcome outcome, long nowNanos) {
        onComplete(backend, latencyNanos, outcome);
    }
}
