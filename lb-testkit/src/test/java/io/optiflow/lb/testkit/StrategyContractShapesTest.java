package io.optiflow.lb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.FeedbackShapes.Tally;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The contract on both shapes of a strategy's feedback ({@link FeedbackShapes}): one that implements only the
 * older forms, as a plug-in built against an lb-api without {@code onStart(backend, nowNanos)} does, and one that
 * overrides the newer forms. Each passes the whole contract, and its tally shows what reached it: the older shape
 * every start, also those the contract made with the newer form (lb-api's default forwards them); the newer shape
 * starts through both forms, each with its ticker's time.
 */
class StrategyContractShapesTest {

    static class OlderFormsContract extends StrategyContractTest<Integer> {
        @Override
        protected StrategyProvider<Integer> provider() {
            return new FeedbackShapes.OlderFormsProvider();
        }
    }

    static class NewerFormsContract extends StrategyContractTest<Integer> {
        @Override
        protected StrategyProvider<Integer> provider() {
            return new FeedbackShapes.NewerFormsProvider();
        }
    }

    @Test
    void contract_strategyWithOnlyTheOlderForms_passesAndGetsEveryStart() {
        Tally t = FeedbackShapes.OLDER;
        t.reset();
        assertContractPasses(OlderFormsContract.class);
        assertTrue(t.olderStarts.get() > 0, "no start reached the strategy");
        assertEquals(t.completions.get(), t.olderStarts.get(),
                "every completion of a known backend was preceded by its start (the newer form forwarded)");
        assertEquals(0, t.newerStarts.get());
        assertEquals(0, t.negatives.get(), "completions that found no start");
    }

    @Test
    void contract_strategyOverridingTheNewerForms_passesAndGetsBothFormsWithItsTickersTime() {
        Tally t = FeedbackShapes.NEWER;
        t.reset();
        assertContractPasses(NewerFormsContract.class);
        assertTrue(t.olderStarts.get() > 0, "the contract never used onStart(backend)");
        assertTrue(t.newerStarts.get() > t.olderStarts.get(),
                "the contract never used onStart(backend, nowNanos): " + t.newerStarts.get() + " starts in all, "
                        + t.olderStarts.get() + " through the older form");
        assertEquals(t.completions.get(), t.newerStarts.get(), "starts and completions of known backends");
        assertEquals(0, t.negatives.get(), "completions that found no start");
        assertEquals(0, t.otherClock.get(), "newer-form calls whose time was not the strategy's ticker's");
    }

    private static void assertContractPasses(Class<?> contract) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(
                LauncherDiscoveryRequestBuilder.request().selectors(selectClass(contract)).build(), listener);
        TestExecutionSummary s = listener.getSummary();
        assertEquals(0, s.getTotalFailureCount(), () -> contract.getSimpleName() + " failed: " + s.getFailures()
                .stream().map(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException()).toList());
        assertTrue(s.getTestsSucceededCount() >= 13, () -> "only " + s.getTestsSucceededCount()
                + " contract tests ran (expected: every one of StrategyContractTest's, at least 13)");
    }
}
