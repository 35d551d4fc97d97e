package io.optiflow.lb.algorithms.leastconnections;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;

class LeastConnectionsContractTest extends StrategyContractTest<LeastConnectionsConfig> {

    @Override
    protected StrategyProvider<LeastConnectionsConfig> provider() {
        return new LeastConnectionsProvider();
    }
}
