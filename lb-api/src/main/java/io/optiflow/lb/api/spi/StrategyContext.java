package io.optiflow.lb.api.spi;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the host gives a strategy: its service, a clock, randomness and a scheduler. Strategy code takes time
 * and randomness only from here, so tests can move time by hand and script the random draws.
 */
public interface StrategyContext {

    /** Name of the service the strategy balances. */
    String serviceName();

    /** The monotonic clock. */
    Ticker ticker();

    /** The random source (thread-safe). */
    RandomSource random();

    /**
     * A scheduler for background work (decay, refresh). Shared: a strategy cancels its own tasks on
     * {@link Strategy#close()} and never shuts the scheduler down. Tasks must not block.
     */
    ScheduledExecutorService scheduler();

    /** A context of the given parts. */
    static StrategyContext of(String serviceName, Ticker ticker, RandomSource random,
                              ScheduledExecutorService scheduler) {
        return new Simple(Objects.requireNonNull(serviceName, "serviceName"), Objects.requireNonNull(ticker, "ticker"),
                Objects.requireNonNull(random, "random"), Objects.requireNonNull(scheduler, "scheduler"));
    }

    /** The context made by {@link #of}. */
    record Simple(String serviceName, Ticker ticker, RandomSource random, ScheduledExecutorService scheduler)
            implements StrategyContext {
    }
}
