package io.optiflow.lb.algorithms.consistenthash;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;

class ConsistentHashContractTest extends StrategyContractTest<ConsistentHashConfig> {

    @Override
    protected StrategyProvider<ConsistentHashConfig> provider() {
        return new ConsistentHashProvider();
    }
}
