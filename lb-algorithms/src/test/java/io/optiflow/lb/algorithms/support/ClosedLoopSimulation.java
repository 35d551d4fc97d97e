package io.optiflow.lb.algorithms.support;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.testkit.ManualTicker;
import java.util.PriorityQueue;

/**
 * A deterministic discrete-event simulation for load-aware strategy tests: {@code clients} clients each keep one
 * request in flight; a request to backend i takes {@code serviceNanos[i]} of simulated time, moved on a
 * {@link ManualTicker}; each completion is reported and the client sends its next request at once.
 */
public final class ClosedLoopSimulation {

    private ClosedLoopSimulation() {
    }

    /** Picks per backend (snapshot order) over {@code requests} completed requests. */
    public static int[] run(Picker picker, LoadFeedback feedback, BackendSet set, long[] serviceNanos, int clients,
                            int requests, ManualTicker ticker) {
        // {completion time, backend index, start time, tie-breaking sequence}
        PriorityQueue<long[]> events = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[3], b[3]));
        int[] picks = new int[set.size()];
        long seq = 0;
        for (int c = 0; c < clients; c++) {
            events.add(send(picker, feedback, set, serviceNanos, ticker, picks, seq++));
        }
        for (int done = 0; done < requests; done++) {
            long[] e = events.poll();
            ticker.advanceNanos(e[0] - ticker.read());
            feedback.onComplete(set.get((int) e[1]), e[0] - e[2], Outcome.SUCCESS);
            events.add(send(picker, feedback, set, serviceNanos, ticker, picks, seq++));
        }
        return picks;
    }

    private static long[] send(Picker picker, LoadFeedback feedback, BackendSet set, long[] serviceNanos,
                               ManualTicker ticker, int[] picks, long seq) {
        Backend b = picker.pick(RequestContext.EMPTY).backend();
        int i = set.indexOf(b.id());
        picks[i]++;
        feedback.onStart(b);
        long now = ticker.read();
        return new long[] {now + serviceNanos[i], i, now, seq};
    }
}
