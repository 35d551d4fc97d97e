package io.optiflow.lb.algorithms.poweroftwo;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;

class PowerOfTwoContractTest extends StrategyContractTest<PowerOfTwoConfig> {

    @Override
    protected StrategyProvider<PowerOfTwoConfig> provider() {
        return new PowerOfTwoProvider();
    }
}
