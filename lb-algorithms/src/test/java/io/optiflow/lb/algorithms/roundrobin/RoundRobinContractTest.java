package io.optiflow.lb.algorithms.roundrobin;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;

class RoundRobinContractTest extends StrategyContractTest<RoundRobinConfig> {

    @Override
    protected StrategyProvider<RoundRobinConfig> provider() {
        return new RoundRobinProvider();
    }
}
