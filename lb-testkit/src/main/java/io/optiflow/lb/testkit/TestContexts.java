package io.optiflow.lb.testkit;

import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.Ticker;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Strategy contexts for tests. The scheduler is a shared daemon thread: tests move time with the ticker. */
public final class TestContexts {

    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "testkit-scheduler");
        t.setDaemon(true);
        return t;
    });

    private TestContexts() {
    }

    public static StrategyContext context(Ticker ticker, RandomSource random) {
        return StrategyContext.of("test-service", ticker, random, SCHEDULER);
    }

    /** A hand-moved ticker at 0 and a random source seeded with {@code seed}. */
    public static StrategyContext seeded(long seed) {
        return context(new ManualTicker(), new SeededRandom(seed));
    }
}
