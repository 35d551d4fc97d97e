package io.optiflow.lb.api;

/** How a request ended, as reported to {@link LoadFeedback#onComplete}. */
public enum Outcome {
    /** The backend answered (any status below 500, or a 5xx the service does not count as failure). */
    SUCCESS,
    /** The backend failed: connection error, reset, timeout, or a 5xx counted as failure. */
    FAILURE,
    /**
     * The request ended but says nothing about the backend (the client went away, or the request was
     * started under another strategy): release its in-flight slot, learn nothing from its latency.
     */
    IGNORED
}
