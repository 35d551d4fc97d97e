package io.optiflow.lb.algorithms;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.api.spi.Ticker;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md and STYLE.md for the lower modules, stated in code: lb-api knows the JDK only;
 * each built-in strategy knows the JDK, lb-api, itself and the shared support package; no framework below the
 * server; time and randomness only from the strategy context; only providers (and support) are public.
 *
 * <p>The rules run over the production classes of lb-api, lb-testkit and lb-algorithms on the test class path.
 * The {@code *_catches*} tests run the same rules over small offending classes nested here, so a rule that
 * could never fail (a typo in a package pattern, say) fails the build instead of passing quietly.
 */
class ArchitectureTest {

    private static final String API = "io.optiflow.lb.api..";
    private static final String ALGORITHMS = "io.optiflow.lb.algorithms..";
    private static final String SUPPORT = "io.optiflow.lb.algorithms.support..";

    static final ArchRule API_JDK_ONLY = classes().that().resideInAPackage(API)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", API)
            .because("a contributor's JAR must need nothing but lb-api and the JDK");

    static final ArchRule ALGORITHMS_JDK_API_ONLY = classes().that().resideInAPackage(ALGORITHMS)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", API, ALGORITHMS)
            .because("built-in strategies are written against lb-api alone, like any plug-in");

    static final ArchRule STRATEGIES_INDEPENDENT = slices().matching("io.optiflow.lb.algorithms.(*)..")
            .should().notDependOnEachOther()
            .ignoreDependency(alwaysTrue(), resideInAPackage(SUPPORT))
            .because("each strategy depends only on itself, lb-api and algorithms.support");

    static final ArchRule SUPPORT_JDK_API_ONLY = classes().that().resideInAPackage(SUPPORT)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", API, SUPPORT)
            .because("shared helpers must not pull one strategy into another")
            .allowEmptyShould(true); // the support package is optional

    static final ArchRule NO_FRAMEWORK = noClasses().that().resideInAnyPackage(API, ALGORITHMS)
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.quarkus..", "io.vertx..", "com.vaadin..", "io.netty..")
            .because("nothing below lb-server knows Quarkus, Vert.x, Netty or Vaadin");

    static final ArchRule TIME_FROM_TICKER = noClasses().that().resideInAPackage(ALGORITHMS)
            .should().callMethod(System.class, "nanoTime")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethodWhere(target(name("now")).and(target(owner(resideInAPackage("java.time")))))
            .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
            .orShould().accessField(Ticker.class, "SYSTEM")
            .because("time comes from StrategyContext.ticker(), so tests move it by hand");

    static final ArchRule RANDOM_FROM_CONTEXT = noClasses().that().resideInAPackage(ALGORITHMS)
            .should().callConstructorWhere(target(owner(assignableTo(Random.class))))
            .orShould().callConstructorWhere(target(owner(belongToAnyOf(SplittableRandom.class))))
            .orShould().dependOnClassesThat().belongToAnyOf(ThreadLocalRandom.class, SecureRandom.class)
            .orShould().callMethod(Math.class, "random")
            .orShould().callMethod(StrictMath.class, "random")
            .because("randomness comes from StrategyContext.random(), so tests can seed or script it");

    static final ArchRule ONLY_PROVIDERS_PUBLIC = classes().that().resideInAPackage(ALGORITHMS)
            .and().resideOutsideOfPackage(SUPPORT)
            .and().arePublic()
            .should().implement(StrategyProvider.class)
            .because("only a strategy's provider is its public face; strategy, picker and config are"
                    + " package-private");

    static final ArchRule PROVIDERS_PUBLIC_FINAL = classes().that().resideInAPackage(ALGORITHMS)
            .and().implement(StrategyProvider.class)
            .should().bePublic()
            .andShould().haveModifier(JavaModifier.FINAL)
            .andShould().haveSimpleNameEndingWith("Provider")
            .because("ServiceLoader needs a public class, and a provider is not meant to be extended");

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.optiflow.lb");
    }

    @Test
    void import_seesApiAndAlgorithmsButNoTests_rulesAreNotVacuous() {
        assertTrue(production.contain(Backend.class), "lb-api classes were not imported");
        assertTrue(production.contain("io.optiflow.lb.algorithms.consistenthash.ConsistentHashProvider"),
                "lb-algorithms classes were not imported");
        assertTrue(!production.contain(ArchitectureTest.class), "test classes were imported");
    }

    @Test
    void api_dependsOnJdkOnly() {
        API_JDK_ONLY.check(production);
    }

    @Test
    void algorithms_dependOnJdkApiAndAlgorithmsOnly() {
        ALGORITHMS_JDK_API_ONLY.check(production);
    }

    @Test
    void algorithms_eachStrategyPackageIndependentOfTheOthers() {
        STRATEGIES_INDEPENDENT.check(production);
    }

    @Test
    void support_dependsOnJdkApiAndItselfOnly() {
        SUPPORT_JDK_API_ONLY.check(production);
    }

    @Test
    void apiAndAlgorithms_knowNoFramework() {
        NO_FRAMEWORK.check(production);
    }

    @Test
    void algorithms_takeTimeOnlyFromTheContextTicker() {
        TIME_FROM_TICKER.check(production);
    }

    @Test
    void algorithms_takeRandomnessOnlyFromTheContext() {
        RANDOM_FROM_CONTEXT.check(production);
    }

    @Test
    void algorithms_onlyProvidersAndSupportArePublic() {
        ONLY_PROVIDERS_PUBLIC.check(production);
    }

    @Test
    void algorithms_providersArePublicFinalAndNamedProvider() {
        PROVIDERS_PUBLIC_FINAL.check(production);
    }

    // --- the rules can fail: each offending fixture below (in package io.optiflow.lb.algorithms) is caught ---

    /** The rule fails on the offender and names it (not, say, "failed to check any classes"). */
    private static void assertCaught(ArchRule rule, Class<?> offender) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> rule.check(new ClassFileImporter().importClasses(offender)));
        assertTrue(e.getMessage().contains(offender.getName()),
                () -> "expected a violation naming " + offender.getName() + ", got: " + e.getMessage());
    }

    @Test
    void timeRule_catchesNanoTimeCurrentTimeMillisInstantNowAndTickerSystem() {
        assertCaught(TIME_FROM_TICKER, ReadsNanoTime.class);
        assertCaught(TIME_FROM_TICKER, ReadsWallClock.class);
        assertCaught(TIME_FROM_TICKER, ReadsInstantNow.class);
        assertCaught(TIME_FROM_TICKER, UsesSystemTicker.class);
    }

    @Test
    void randomRule_catchesNewRandomThreadLocalRandomAndMathRandom() {
        assertCaught(RANDOM_FROM_CONTEXT, NewRandom.class);
        assertCaught(RANDOM_FROM_CONTEXT, NewSplittableRandom.class);
        assertCaught(RANDOM_FROM_CONTEXT, UsesThreadLocalRandom.class);
        assertCaught(RANDOM_FROM_CONTEXT, UsesMathRandom.class);
    }

    @Test
    void publicRule_catchesAPublicNonProviderClass() {
        assertCaught(ONLY_PROVIDERS_PUBLIC, PublicPicker.class);
    }

    @Test
    void dependencyRule_catchesAnAlgorithmUsingANonJdkLibrary() {
        assertCaught(ALGORITHMS_JDK_API_ONLY, UsesJunit.class);
    }

    @SuppressWarnings("unused")
    static final class ReadsNanoTime {
        long now() {
            return System.nanoTime();
        }
    }

    @SuppressWarnings("unused")
    static final class ReadsWallClock {
        long now() {
            return System.currentTimeMillis();
        }
    }

    @SuppressWarnings("unused")
    static final class ReadsInstantNow {
        Instant now() {
            return Instant.now();
        }
    }

    @SuppressWarnings("unused")
    static final class UsesSystemTicker {
        long now() {
            return Ticker.SYSTEM.read();
        }
    }

    @SuppressWarnings("unused")
    static final class NewRandom {
        int draw() {
            return new Random().nextInt(3);
        }
    }

    @SuppressWarnings("unused")
    static final class NewSplittableRandom {
        int draw() {
            return new SplittableRandom().nextInt(3);
        }
    }

    @SuppressWarnings("unused")
    static final class UsesThreadLocalRandom {
        int draw() {
            return ThreadLocalRandom.current().nextInt(3);
        }
    }

    @SuppressWarnings("unused")
    static final class UsesMathRandom {
        double draw() {
            return Math.random();
        }
    }

    /** A public class that is not a provider. */
    public static final class PublicPicker {
    }

    @SuppressWarnings("unused")
    static final class UsesJunit {
        void fail() {
            org.junit.jupiter.api.Assertions.fail("x");
        }
    }
}
