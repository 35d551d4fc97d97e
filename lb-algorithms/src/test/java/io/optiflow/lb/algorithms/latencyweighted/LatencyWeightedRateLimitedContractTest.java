package io.optiflow.lb.algorithms.latencyweighted;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;
import java.util.Map;

/** The contract again with the token bucket and exploration on, so those paths are held to it too. */
class LatencyWeightedRateLimitedContractTest extends StrategyContractTest<LatencyWeightedConfig> {

    @Override
    protected StrategyProvider<LatencyWeightedConfig> provider() {
        return new LatencyWeightedProvider();
    }

    @Override
    protected Map<String, String> rawConfig() {
        // The contract's ticker never moves, so the bucket must be deep enough for its picks.
        return Map.of("rate-limit", "1000", "burst", "1000000", "exploration", "0.05");
    }
}
