package io.optiflow.lb.bench.sim;

import java.util.Arrays;

/**
 * What one simulation run measured.
 *
 * @param latencies  latency of every completed request (pick to end of response, queueing included), nanoseconds,
 *                   sorted ascending
 * @param perSecond  requests sent per backend per second of virtual time: {@code perSecond[backend][second]}, by
 *                   the time of the pick
 * @param rejected   picks that returned a rejection (rate limited or no backend)
 * @param endNanos   virtual time when the last event ran
 * @param failed     completed requests that failed (reported to the strategy as {@code FAILURE})
 */
public record SimResult(long[] latencies, int[][] perSecond, long rejected, long endNanos, long failed) {

    /** Failed requests, in percent of completed ones. */
    public double percentFailed() {
        return latencies.length == 0 ? Double.NaN : 100.0 * failed / latencies.length;
    }

    /** Completed requests. */
    public int completed() {
        return latencies.length;
    }

    /** The nearest-rank quantile ({@code q} in (0, 1]) of the latencies, in milliseconds. */
    public double percentileMillis(double q) {
        if (latencies.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * latencies.length);
        return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))] / 1e6;
    }

    /** Share of completed requests, in percent, that took at most {@code limitNanos}. */
    public double percentWithin(long limitNanos) {
        int i = Arrays.binarySearch(latencies, limitNanos);
        int count;
        if (i >= 0) {
            while (i + 1 < latencies.length && latencies[i + 1] == limitNanos) {
                i++;
            }
            count = i + 1;
        } else {
            count = -i - 1;
        }
        return latencies.length == 0 ? Double.NaN : 100.0 * count / latencies.length;
    }

    /** Requests sent to {@code backend} in seconds {@code [fromSecond, toSecond)}. */
    public long sent(int backend, int fromSecond, int toSecond) {
        long sum = 0;
        int[] row = perSecond[backend];
        for (int s = Math.max(0, fromSecond); s < Math.min(row.length, toSecond); s++) {
            sum += row[s];
        }
        return sum;
    }

    /** Requests sent to all backends in seconds {@code [fromSecond, toSecond)}. */
    public long sent(int fromSecond, int toSecond) {
        long sum = 0;
        for (int b = 0; b < perSecond.length; b++) {
            sum += sent(b, fromSecond, toSecond);
        }
        return sum;
    }

    /** The most requests {@code backend} got in any one second from {@code fromSecond} on. */
    public int maxPerSecond(int backend, int fromSecond, int toSecond) {
        int max = 0;
        int[] row = perSecond[backend];
        for (int s = Math.max(0, fromSecond); s < Math.min(row.length, toSecond); s++) {
            max = Math.max(max, row[s]);
        }
        return max;
    }
}
