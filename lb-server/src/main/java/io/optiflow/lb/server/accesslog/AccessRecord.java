package io.optiflow.lb.server.accesslog;

/**
 * One finished request, as the access log writes it. Filled by the event loop that served the request (begun when
 * its head came, ended when its response did), then handed to {@link AccessLog#offer}; from then on read by the
 * writer thread only (the queue's hand-over publishes it).
 */
public final class AccessRecord {

    /** {@link System#nanoTime} when the head came; the writer turns it into wall-clock time. */
    final long headNanos;
    final String client;
    final String method;
    final String path;
    final String protocol;
    String service;
    String backend;
    int status;
    /** Response body bytes handed to the client's connection (the head not counted). */
    long bytes;
    int attempts;
    long durationNanos;
    /** The last attempt's latency as the strategy saw it; -1 when no attempt ended. */
    long backendNanos;

    /**
     * @param headNanos {@link System#nanoTime} when the request head came
     * @param client    the peer's address
     * @param method    the request method; null when the request line could not be read
     * @param path      the request target as received; null when the request line could not be read
     * @param protocol  {@code HTTP/1.0}, {@code HTTP/1.1} or {@code HTTP/2}; null when unknown
     */
    public AccessRecord(long headNanos, String client, String method, String path, String protocol) {
        this.headNanos = headNanos;
        this.client = client;
        this.method = method;
        this.path = path;
        this.protocol = protocol;
    }

    /**
     * The response ended (or the request was given up) at {@code endNanos}.
     *
     * @param bytes        response body bytes handed to the client's connection (the head not counted)
     * @param service      the service that took the request; null when none did
     * @param backend      the id of the last backend tried; null when none was
     * @param backendNanos the last attempt's latency as the strategy saw it; negative when no attempt ended
     */
    public void end(long endNanos, int status, long bytes, String service, String backend, int attempts,
                    long backendNanos) {
        this.durationNanos = endNanos - headNanos;
        this.status = status;
        this.bytes = bytes;
        this.service = service;
        this.backend = backend;
        this.attempts = attempts;
        this.backendNanos = backendNanos < 0 ? -1 : backendNanos;
    }
}
