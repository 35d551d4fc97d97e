package io.optiflow.lb.api;

/**
 * How a request ended, as reported to {@link LoadFeedback#onComplete}, exactly once per attempt.
 *
 * <p>What the proxy reports (the full rules: {@code docs/proxying.md}, "One request", step 6, in the OptiFlow LB
 * repository):
 * <table>
 *   <caption>Outcome by what happened</caption>
 *   <tr><th>what happened</th><th>outcome</th></tr>
 *   <tr><td>any status below 500; also 500 and 501 (the backend did answer: the request was bad or
 *       unsupported, the backend is up)</td><td>{@link #SUCCESS}</td></tr>
 *   <tr><td>502, 503, 504; a connection refused or reset; a timeout (no answer, or a body that stopped
 *       coming)</td><td>{@link #FAILURE}</td></tr>
 *   <tr><td>the client went away before the end; a request picked by the strategy this one replaced (a live
 *       switch)</td><td>{@link #IGNORED}</td></tr>
 * </table>
 *
 * <p>So a strategy that avoids failing backends reacts to 502, 503 and 504 and to broken connections, not to a
 * backend answering 500 to a request that made it throw. Other hosts (the simulator in {@code lb-bench}, your own
 * tests) report by the same rules.
 */
public enum Outcome {
    /** The backend answered: any status below 500, and 500 and 501. Latency is a real sample. */
    SUCCESS,
    /**
     * The backend failed: 502, 503 or 504, a connection refused or reset, or a timeout. The latency is the time
     * until the failure was seen (short for a refusal, the timeout for a timeout).
     */
    FAILURE,
    /**
     * The request ended but says nothing about the backend (the client went away, or the request was
     * started under another strategy): release its in-flight slot, learn nothing from its latency.
     */
    IGNORED
}
