package ${package};

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Ticker;

/**
 * Chooses the backend of one request, over one immutable snapshot.
 *
 * <p>What a picker must do: answer from every request thread at once, with no lock and no allocation: read final
 * fields and arrays made by {@link ${classPrefix}Strategy#update}, update atomics, and return a {@link Backend} of its
 * snapshot (it is its own {@link PickResult}) or a {@link io.optiflow.lb.api.Rejection} constant, never
 * {@code null} and never a new object. No logging, no I/O, no streams, no iterators, no boxing. Keep answering
 * after a newer picker is published and after the strategy is closed. Do not keep the {@link RequestContext}.
 *
 * <p>As generated: two random draws, the second over the other {@code n - 1} backends (so a script of
 * {@code 0, 2} over four backends compares {@code b0001} and {@code b0004}). If exactly one of the two failed less
 * than {@code failure-backoff} ago, a third draw ({@code nextDouble}) decides: below {@code probe} the pair is
 * compared as usual, otherwise the other one gets the request. Fewer requests in flight wins; a tie goes to the
 * first drawn. Weights are ignored.
 */
final class ${classPrefix}Picker implements Picker {

    private final Backend[] backends;
    private final ${classPrefix}Strategy.Load[] loads;
    private final Ticker ticker;
    private final RandomSource random;
    private final long failureBackoffNanos;
    private final double probe;

    ${classPrefix}Picker(Backend[] backends, ${classPrefix}Strategy.Load[] loads, Ticker ticker, RandomSource random,
                 long failureBackoffNanos, double probe) {
        this.backends = backends;
        this.loads = loads;
        this.ticker = ticker;
        this.random = random;
        this.failureBackoffNanos = failureBackoffNanos;
        this.probe = probe;
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        int n = backends.length;
        if (n == 1) {
            return backends[0];
        }
        int first = random.nextInt(n);
        int second = random.nextInt(n - 1); // over the others: skip the first instead of drawing again
        if (second >= first) {
            second++;
        }
        if (failureBackoffNanos > 0) {
            long now = ticker.read();
            boolean firstOut = passedOver(loads[first], now);
            if (firstOut != passedOver(loads[second], now) && random.nextDouble() >= probe) {
                return firstOut ? backends[second] : backends[first];
            }
        }
        return loads[second].inFlight.get() < loads[first].inFlight.get() ? backends[second] : backends[first];
    }

    private boolean passedOver(${classPrefix}Strategy.Load load, long now) {
        long failedAt = load.failedAt.get();
        return failedAt != ${classPrefix}Strategy.NEVER && now - failedAt < failureBackoffNanos;
    }
}
