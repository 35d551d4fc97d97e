package io.optiflow.lb.bench.sim;

import java.util.List;

/**
 * What a simulation runs: the backends (each with a concurrency limit; excess requests wait FIFO at the backend),
 * their service times, and the load, either a closed loop of clients or an open loop of Poisson arrivals.
 *
 * @param backends       number of backends ({@code b01}, {@code b02}, ...), weight 1
 * @param maxConcurrent  requests a backend serves at once; {@link Integer#MAX_VALUE} for no limit
 * @param serviceTime    service time per request
 * @param clients        closed loop: clients that each send their next request when the previous ends; 0 for open loop
 * @param totalRequests  closed loop: requests to send in all
 * @param ratePerSecond  open loop: mean arrival rate (Poisson)
 * @param durationNanos  open loop: arrivals stop at this virtual time; requests in flight then still finish
 * @param failures       which requests fail, and how fast
 */
public record Workload(int backends, int maxConcurrent, ServiceTime serviceTime, int clients, int totalRequests,
                       double ratePerSecond, long durationNanos, Failures failures) {

    /** Which requests fail: a failing request ends after {@code failNanos} instead of its service time. */
    public record Failures(int backend, double probability, long failNanos) {
        static final Failures NONE = new Failures(-1, 0.0, 0L);
    }

    /** This workload with {@code backend} failing each request with {@code probability}, in {@code failNanos}. */
    public Workload withFailures(int backend, double probability, long failNanos) {
        return new Workload(backends, maxConcurrent, serviceTime, clients, totalRequests, ratePerSecond,
                durationNanos, new Failures(backend, probability, failNanos));
    }

    public static Workload closedLoop(int backends, int maxConcurrent, ServiceTime serviceTime, int clients,
                                      int totalRequests) {
        return new Workload(backends, maxConcurrent, serviceTime, clients, totalRequests, 0.0, 0L, Failures.NONE);
    }

    public static Workload openLoop(int backends, int maxConcurrent, ServiceTime serviceTime, double ratePerSecond,
                                    long durationNanos) {
        return new Workload(backends, maxConcurrent, serviceTime, 0, 0, ratePerSecond, durationNanos,
                Failures.NONE);
    }

    boolean isClosedLoop() {
        return clients > 0;
    }

    /** Backend ids in index order: {@code b01}, {@code b02}, ... (they sort like their index). */
    static List<String> ids(int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = String.format("b%02d", i + 1);
        }
        return List.of(ids);
    }
}
