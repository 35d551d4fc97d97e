package io.optiflow.lb.algorithms.weightedroundrobin;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;

class WeightedRoundRobinContractTest extends StrategyContractTest<WeightedRoundRobinConfig> {

    @Override
    protected StrategyProvider<WeightedRoundRobinConfig> provider() {
        return new WeightedRoundRobinProvider();
    }
}
