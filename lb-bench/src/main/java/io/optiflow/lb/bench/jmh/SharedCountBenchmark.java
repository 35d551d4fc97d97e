package io.optiflow.lb.bench.jmh;

import io.optiflow.lb.algorithms.support.TwoChoices;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under a load-aware strategy's two-thread figure in {@link StrategyPickBenchmark}: what a request's
 * in-flight bookkeeping costs when both threads update the same per-backend counts, with no strategy around it.
 * Each operation draws a counter (as a pick draws a backend) and adds +1 and -1 to it (start and completion: two
 * atomic adds, as least-connections, power-of-two, latency-weighted and consistent-hash do per request), over 1, 8
 * or 1,000 counters, each on a line of its own (128 bytes apart, so neither a neighbour nor the adjacent-line
 * prefetch shares it). Whichever thread touched a counter last holds its line, so with two threads about half of the
 * adds find their line on the other core, however many counters there are. Compared with the same work on one
 * thread, on counters each thread keeps for itself, a read of counters the other thread writes (a pick's
 * candidate reads), and power-of-two's whole pattern (read two, count on one). Run:
 * {@code java -jar lb-bench/target/benchmarks.jar SharedCountBenchmark -f 3 -wi 2 -w 1 -i 3 -r 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SharedCountBenchmark {

    /** Longs between two counters: 128 bytes. */
    private static final int SPACING = 16;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    @Param({"1", "8", "1000"})
    public int counters;

    /** The counters both threads update (one line each, {@link #SPACING} apart). */
    private long[] shared;

    @Setup
    public void setUp() {
        shared = new long[(counters + 2) * SPACING];
    }

    /** A thread's own draws (xorshift, no shared state) and its own counters. */
    @State(Scope.Thread)
    public static class Own {
        long seed = System.nanoTime() | 1L;
        long[] cells;

        @Setup
        public void setUp(SharedCountBenchmark b) {
            cells = new long[(b.counters + 2) * SPACING];
        }

        /** A counter's index in {@code [1, n]} times the spacing (index 0's line stays empty). */
        int draw(int n) {
            return (1 + (int) (((pair() >>> 32) * n) >>> 32)) * SPACING;
        }

        /** 64 random bits (xorshift). */
        long pair() {
            long x = seed;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            seed = x;
            return x;
        }
    }

    /** The draw alone: what the harness and the draw cost, to subtract from the others. */
    @Benchmark
    public int drawOnly(Own own) {
        return own.draw(counters);
    }

    /** One request's start and completion on a shared counter, one thread (no other core writes it). */
    @Benchmark
    public long startAndEnd(Own own) {
        return startAndEnd(shared, own.draw(counters));
    }

    /** The same from two threads on the same counters: what a strategy with shared exact counts pays at least. */
    @Benchmark
    @Threads(2)
    public long startAndEnd2Threads(Own own) {
        return startAndEnd(shared, own.draw(counters));
    }

    /** The same from two threads, each on counters of its own: per-thread counts (another meaning), for scale. */
    @Benchmark
    @Threads(2)
    public long ownStartAndEnd2Threads(Own own) {
        return startAndEnd(own.cells, own.draw(counters));
    }

    /** With {@link #readTwo}: one thread keeps updating the shared counters... */
    @Benchmark
    @Group("readWhileOtherWrites")
    @GroupThreads(1)
    public long writeOne(Own own) {
        return startAndEnd(shared, own.draw(counters));
    }

    /** ...while the other only reads two of them, as a pick reads its two candidates' counts. */
    @Benchmark
    @Group("readWhileOtherWrites")
    @GroupThreads(1)
    public long readTwo(Own own) {
        long a = (long) CELL.getAcquire(shared, own.draw(counters));
        return a + (long) CELL.getAcquire(shared, own.draw(counters));
    }

    /**
     * Power-of-two's whole use of shared counts, with nothing else: two distinct counters drawn, both read, +1 and -1
     * on the less loaded (the first on a tie). One thread.
     */
    @Benchmark
    public long pickOfTwo(Own own) {
        return pickOfTwo(shared, own.pair(), counters);
    }

    /** The same from two threads on the same counters: the floor under a two-choices strategy's two-thread figure. */
    @Benchmark
    @Threads(2)
    public long pickOfTwo2Threads(Own own) {
        return pickOfTwo(shared, own.pair(), counters);
    }

    private static long pickOfTwo(long[] cells, long draw, int n) {
        if (n == 1) {
            return startAndEnd(cells, SPACING);
        }
        int i = (1 + TwoChoices.first(draw, n)) * SPACING;
        int j = (1 + TwoChoices.second(draw, n, i / SPACING - 1)) * SPACING;
        long a = (long) CELL.getAcquire(cells, i);
        long b = (long) CELL.getAcquire(cells, j);
        return startAndEnd(cells, b < a ? j : i);
    }

    /** A request's start and completion on counter {@code k}: two atomic adds. */
    private static long startAndEnd(long[] cells, int k) {
        CELL.getAndAdd(cells, k, 1L);
        return (long) CELL.getAndAdd(cells, k, -1L);
    }
}
