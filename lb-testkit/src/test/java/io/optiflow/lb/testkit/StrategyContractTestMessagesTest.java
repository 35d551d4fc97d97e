package io.optiflow.lb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.FlawedStrategies.Config;
import io.optiflow.lb.testkit.FlawedStrategies.Flaw;
import io.optiflow.lb.testkit.FlawedStrategies.Provider;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs {@link StrategyContractTest} on strategies with one known mistake each ({@link FlawedStrategies}) and checks
 * that the failure says what the contract is, what the strategy did, and the usual cause, in words a contributor
 * can act on. The contract classes are nested (surefire does not run nested classes by itself); this test runs
 * each through the JUnit Platform launcher, one contract method at a time.
 */
class StrategyContractTestMessagesTest {

    // ------------------------------------------------------------ the contract on each flaw

    static class Reference extends StrategyContractTest<Config> {
        @Override
        protected StrategyProvider<Config> provider() {
            return new Provider();
        }
    }

    /** The contract on one flaw. */
    abstract static class FlawContract extends StrategyContractTest<Config> {
        private final Flaw flaw;

        FlawContract(Flaw flaw) {
            this.flaw = flaw;
        }

        @Override
        protected StrategyProvider<Config> provider() {
            return new Provider(flaw);
        }
    }

    static class Unlisted extends StrategyContractTest<Config> {
        @Override
        protected StrategyProvider<Config> provider() {
            return new FlawedStrategies.UnlistedProvider();
        }
    }

    static class BadName extends FlawContract {
        BadName() {
            super(Flaw.BAD_NAME);
        }
    }

    static class NoDescription extends FlawContract {
        NoDescription() {
            super(Flaw.NO_DESCRIPTION);
        }
    }

    static class ParsesByHand extends FlawContract {
        ParsesByHand() {
            super(Flaw.PARSES_BY_HAND);
        }
    }

    static class EmptyDividesByZero extends FlawContract {
        EmptyDividesByZero() {
            super(Flaw.EMPTY_DIVIDES_BY_ZERO);
        }
    }

    static class KeepsFirstSnapshot extends FlawContract {
        KeepsFirstSnapshot() {
            super(Flaw.KEEPS_FIRST_SNAPSHOT);
        }
    }

    static class SkipsLast extends FlawContract {
        SkipsLast() {
            super(Flaw.SKIPS_LAST);
        }
    }

    static class StarvesAfterFailure extends FlawContract {
        StarvesAfterFailure() {
            super(Flaw.STARVES_AFTER_FAILURE);
        }
    }

    static class UnknownBackendThrows extends FlawContract {
        UnknownBackendThrows() {
            super(Flaw.UNKNOWN_BACKEND_THROWS);
        }
    }

    static class CloseBreaksPicker extends FlawContract {
        CloseBreaksPicker() {
            super(Flaw.CLOSE_BREAKS_PICKER);
        }
    }

    static class Allocates extends FlawContract {
        Allocates() {
            super(Flaw.ALLOCATES);
        }
    }

    // ------------------------------------------------------------ the checks

    @Test
    void contract_referenceStrategy_everyContractTestPasses() {
        TestExecutionSummary s = run(selectClass(Reference.class));
        assertEquals(0, s.getTotalFailureCount(), () -> "the reference strategy failed: " + messages(s));
        assertTrue(s.getTestsSucceededCount() >= 13, () -> "only " + s.getTestsSucceededCount()
                + " contract tests ran (expected: every one of StrategyContractTest's, at least 13)");
    }

    @Test
    void balancedFeedback_backendStarvedAfterFailure_saysWhichBackendsAndSuggestsAProbe() {
        String m = failure(StarvesAfterFailure.class, "feedback_balancedFromManyThreads_strategyStillServesEveryBackend");
        assertStructured(m);
        assertContains(m, "Contract: feedback that balances leaves every backend usable");
        assertContains(m, "Your strategy: in 10000 further picks (no feedback) it picked {b0001=10000}, never"
                + " [b0002, b0003, b0004]");
        assertContains(m, "loses every comparison after a FAILURE is never picked again");
        assertContains(m, "give it a probe");
        assertContains(m, "here time stands still");
    }

    @Test
    void serviceLoader_providerNotListed_namesTheClassAndTheServiceFile() {
        String m = failure(Unlisted.class, "serviceLoader_findsProviderUnderItsName");
        assertStructured(m);
        assertContains(m, FlawedStrategies.UnlistedProvider.class.getName() + " is not listed");
        assertContains(m, "META-INF/services/io.optiflow.lb.api.spi.StrategyProvider");
        assertContains(m, "the listings on the class path name [" + Provider.class.getName()); // what is listed
    }

    @Test
    void name_displayName_quotesItAndStatesThePattern() {
        String m = failure(BadName.class, "name_isKebabCase");
        assertStructured(m);
        assertContains(m, "name() returned 'Flawed Round Robin'");
        assertContains(m, "[a-z][a-z0-9-]*");
    }

    @Test
    void schema_blankDescription_namesTheAttribute() {
        String m = failure(NoDescription.class, "schema_everyAttributeDescribedAndDefaultsParse");
        assertStructured(m);
        assertContains(m, "attribute 'spare' has a blank description");
    }

    @Test
    void parseConfig_unknownKeyAccepted_pointsAtTheSchema() {
        String m = failure(ParsesByHand.class, "parseConfig_unknownKey_errorNamesTheKey");
        assertStructured(m);
        assertContains(m, "parseConfig({no-such-attribute=1}) accepted it");
        assertContains(m, "configSchema().parse(raw)");
    }

    @Test
    void parseConfig_throwsOnGarbage_namesKeyValueAndException() {
        String m = failure(ParsesByHand.class, "parseConfig_garbageValues_errorsNeverThrows");
        assertStructured(m);
        assertContains(m, "parseConfig threw for spare='': java.lang.NumberFormatException");
        assertContains(m, "return ConfigResult.invalid(...)");
    }

    @Test
    void emptySnapshot_pickThrows_saysWhichPickAndWhy() {
        String m = failure(EmptyDividesByZero.class, "pick_emptySnapshot_noBackend");
        assertStructured(m);
        assertContains(m, "Contract: a pick never throws");
        assertContains(m, "pick #0 over an empty snapshot threw java.lang.ArithmeticException");
    }

    @Test
    void shrink_pickFromOldSnapshot_namesTheBackendAndTheSnapshot() {
        String m = failure(KeepsFirstSnapshot.class, "pick_afterShrink_onlyBackendsOfTheNewSnapshot");
        assertStructured(m);
        assertContains(m, "after update([b0002, b0004, b0005]) pick #0 returned Backend[b0001 ");
        assertContains(m, "instead of arrays made for this snapshot");
    }

    @Test
    void everyBackendServed_lastNeverPicked_namesTheMissingBackend() {
        String m = failure(SkipsLast.class, "pick_manyRequests_everyBackendServed");
        assertStructured(m);
        assertContains(m, "in 10000 picks only {b0001=");
        assertContains(m, "never [b0008]");
        assertContains(m, "off-by-one");
    }

    @Test
    void unknownBackend_feedbackThrows_namesTheBackendAndTheLookup() {
        String m = failure(UnknownBackendThrows.class, "feedback_backendOutsideSnapshot_ignored");
        assertStructured(m);
        assertContains(m, "onStart/onComplete(b0099, ...) threw java.lang.ArrayIndexOutOfBoundsException");
        assertContains(m, "no check for a miss");
    }

    @Test
    void close_oldPickerThrows_saysCloseOnlyCancelsTasks() {
        String m = failure(CloseBreaksPicker.class, "close_oldPickerStillAnswers");
        assertStructured(m);
        assertContains(m, "the old picker threw java.lang.NullPointerException");
        assertContains(m, "close() should only cancel background tasks");
    }

    @Test
    void allocation_boxingPicker_givesBytesPerPickAndNamesBoxing() {
        String m = failure(Allocates.class, "pick_steadyState_allocatesNothing");
        assertStructured(m);
        assertContains(m, "20,000 picks with feedback over 16 backends allocated ");
        assertContains(m, "boxing");
    }

    // ------------------------------------------------------------ helpers

    private static TestExecutionSummary run(DiscoverySelector selector) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selector).build(),
                listener);
        return listener.getSummary();
    }

    /** The failure message of one contract method run on {@code contract}, which must fail. */
    private static String failure(Class<?> contract, String method) {
        TestExecutionSummary s = run(selectMethod(contract, method));
        assertEquals(1, s.getTestsFoundCount(), () -> method + " not found on " + contract.getSimpleName());
        assertEquals(1, s.getTotalFailureCount(), () -> contract.getSimpleName() + "." + method
                + " passed, but the strategy has a flaw it must catch");
        Throwable e = s.getFailures().get(0).getException();
        assertNotNull(e.getMessage(), () -> "a failure without a message: " + e);
        return e.getMessage();
    }

    private static List<String> messages(TestExecutionSummary s) {
        return s.getFailures().stream().map(f -> f.getTestIdentifier().getDisplayName() + ": "
                + f.getException()).toList();
    }

    /** Contract, what the strategy did, usual cause: in that order, each on a line of its own. */
    private static void assertStructured(String m) {
        int contract = m.indexOf("\nContract: ");
        int did = m.indexOf("\nYour strategy: ");
        int cause = m.indexOf("\nUsual cause: ");
        assertTrue(contract >= 0 && did > contract && cause > did,
                () -> "expected Contract / Your strategy / Usual cause lines in that order, got: " + m);
    }

    private static void assertContains(String message, String part) {
        assertTrue(message.contains(part), () -> "expected the message to contain\n  " + part + "\ngot:\n" + message);
    }
}
