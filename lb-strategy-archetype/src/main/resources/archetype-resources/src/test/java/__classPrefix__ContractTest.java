package ${package};

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.StrategyContractTest;

/**
 * The contract every strategy keeps, from lb-testkit: found by ServiceLoader under a kebab-case name; every
 * attribute described and the defaults parse; unknown keys and bad values are errors, never exceptions; an empty
 * snapshot gives NO_BACKEND; picks only from the current snapshot; every backend gets traffic; many threads pick
 * and report while snapshots change; balanced feedback leaves every backend usable; feedback for unknown backends
 * is ignored; an old picker answers after close(); a steady-state pick with its feedback allocates nothing.
 *
 * <p>A failure says what the contract is, what your strategy did and the usual cause. Override {@code rawConfig()}
 * to run the contract with a config of your own, and {@code requestContext(i)} if your picker reads the path or the
 * hash key in a particular way.
 */
class ${classPrefix}ContractTest extends StrategyContractTest<${classPrefix}Config> {

    @Override
    protected StrategyProvider<${classPrefix}Config> provider() {
        return new ${classPrefix}Provider();
    }
}
