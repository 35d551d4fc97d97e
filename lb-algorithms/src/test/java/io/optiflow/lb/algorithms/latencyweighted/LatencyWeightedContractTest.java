package io.optiflow.lb.algorithms.latencyweighted;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;

class LatencyWeightedContractTest extends StrategyContractTest<LatencyWeightedConfig> {

    @Override
    protected StrategyProvider<LatencyWeightedConfig> provider() {
        return new LatencyWeightedProvider();
    }
}
