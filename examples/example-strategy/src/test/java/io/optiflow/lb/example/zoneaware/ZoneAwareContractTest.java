package io.optiflow.lb.example.zoneaware;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;
import java.util.Map;

/** The shared contract, with a zone none of the test backends carry (the fall-back path). */
class ZoneAwareContractTest extends StrategyContractTest<ZoneAwareConfig> {

    @Override
    protected StrategyProvider<ZoneAwareConfig> provider() {
        return new ZoneAwareProvider();
    }

    @Override
    protected Map<String, String> rawConfig() {
        return Map.of("zone", "eu-west-1a");
    }
}
