package io.optiflow.lb.algorithms.random;

import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;

/** An alias-table lookup: a column draw, then (for a split column) a coin draw. No shared mutable state. */
final class RandomPicker implements Picker {

    private final BackendSet backends;
    private final int[] threshold;
    private final int[] alias;
    private final int total;
    private final int size;
    private final RandomSource random;

    RandomPicker(BackendSet backends, int[] threshold, int[] alias, int total, RandomSource random) {
        this.backends = backends;
        this.threshold = threshold;
        this.alias = alias;
        this.total = total;
        this.size = backends.size();
        this.random = random;
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        if (size == 1) {
            return backends.get(0);
        }
        int column = random.nextInt(size);
        int t = threshold[column];
        if (t == total) {
            return backends.get(column); // equal weights: every column is full, one draw per pick
        }
        return backends.get(random.nextInt(total) < t ? column : alias[column]);
    }

    /** The backend index a column and coin lead to; for the exhaustive test of the table. */
    int resolve(int column, int coin) {
        return coin < threshold[column] ? column : alias[column];
    }

    /** The coin's bound; for tests. */
    int total() {
        return total;
    }
}
