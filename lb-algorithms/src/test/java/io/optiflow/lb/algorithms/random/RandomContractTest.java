package io.optiflow.lb.algorithms.random;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;

class RandomContractTest extends StrategyContractTest<RandomConfig> {

    @Override
    protected StrategyProvider<RandomConfig> provider() {
        return new RandomProvider();
    }
}
