package ${package};

import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.api.spi.Ticker;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules a plug-in keeps, stated in code (the same ones OptiFlow LB holds its built-in strategies to):
 * at runtime it needs only lb-api and the JDK (the balancer gives a plug-in nothing else); it has no clock and no
 * randomness of its own (the context's ticker and random source, so tests move time and script draws); only the
 * provider is public. The {@code *_catches*} tests run each rule over a small offending class, so a rule that could
 * never fail (a typo in a package name, say) fails the build instead of passing quietly.
 */
class ArchitectureTest {

    private static final String PLUGIN = "${package}..";

    static final ArchRule ONLY_API_AND_JDK = classes().that().resideInAPackage(PLUGIN)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.optiflow.lb.api..", PLUGIN)
            .because("the balancer loads a plug-in JAR with lb-api and the JDK only; shade and relocate a library"
                    + " you really need");

    static final ArchRule TIME_FROM_TICKER = noClasses().that().resideInAPackage(PLUGIN)
            .should().callMethod(System.class, "nanoTime")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethodWhere(target(name("now")).and(target(owner(resideInAPackage("java.time")))))
            .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
            .orShould().accessField(Ticker.class, "SYSTEM")
            .because("time comes from StrategyContext.ticker(), so tests move it by hand");

    static final ArchRule RANDOM_FROM_CONTEXT = noClasses().that().resideInAPackage(PLUGIN)
            .should().callConstructorWhere(target(owner(assignableTo(Random.class))))
            .orShould().callConstructorWhere(target(owner(belongToAnyOf(SplittableRandom.class))))
            .orShould().dependOnClassesThat().belongToAnyOf(ThreadLocalRandom.class, SecureRandom.class)
            .orShould().callMethod(Math.class, "random")
            .orShould().callMethod(StrictMath.class, "random")
            .because("randomness comes from StrategyContext.random(), so tests can seed or script it");

    static final ArchRule ONLY_PROVIDER_PUBLIC = classes().that().resideInAPackage(PLUGIN).and().arePublic()
            .should().implement(StrategyProvider.class)
            .because("the provider is the plug-in's public face; strategy, picker and config are package-private");

    static final ArchRule PROVIDER_PUBLIC_FINAL = classes().that().resideInAPackage(PLUGIN)
            .and().implement(StrategyProvider.class)
            .should().bePublic().andShould().haveModifier(JavaModifier.FINAL)
            .because("ServiceLoader needs a public class, and a provider is not meant to be extended");

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("${package}");
    }

    @Test
    void import_seesTheProviderButNoTests_rulesAreNotVacuous() {
        assertTrue(production.contain(${classPrefix}Provider.class), "the plug-in's classes were not imported");
        assertTrue(!production.contain(ArchitectureTest.class), "test classes were imported");
    }

    @Test
    void plugin_dependsOnLbApiAndTheJdkOnly() {
        ONLY_API_AND_JDK.check(production);
    }

    @Test
    void plugin_takesTimeOnlyFromTheContextTicker() {
        TIME_FROM_TICKER.check(production);
    }

    @Test
    void plugin_takesRandomnessOnlyFromTheContext() {
        RANDOM_FROM_CONTEXT.check(production);
    }

    @Test
    void plugin_onlyTheProviderIsPublic() {
        ONLY_PROVIDER_PUBLIC.check(production);
    }

    @Test
    void plugin_providerIsPublicFinal() {
        PROVIDER_PUBLIC_FINAL.check(production);
    }

    // --- each rule can fail: the offending classes below (in the plug-in's package, test code) are caught ---

    private static void assertCaught(ArchRule rule, Class<?> offender) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> rule.check(new ClassFileImporter().importClasses(offender)));
        assertTrue(e.getMessage().contains(offender.getName()),
                () -> "expected a violation naming " + offender.getName() + ", got: " + e.getMessage());
    }

    @Test
    void rules_catchOffendingClasses() {
        assertCaught(ONLY_API_AND_JDK, UsesJunit.class);
        assertCaught(TIME_FROM_TICKER, ReadsNanoTime.class);
        assertCaught(RANDOM_FROM_CONTEXT, UsesThreadLocalRandom.class);
        assertCaught(ONLY_PROVIDER_PUBLIC, PublicPicker.class);
    }

    @SuppressWarnings("unused")
    static final class UsesJunit {
        void fail() {
            org.junit.jupiter.api.Assertions.fail("x");
        }
    }

    @SuppressWarnings("unused")
    static final class ReadsNanoTime {
        long now() {
            return System.nanoTime();
        }
    }

    @SuppressWarnings("unused")
    static final class UsesThreadLocalRandom {
        int draw() {
            return ThreadLocalRandom.current().nextInt(3);
        }
    }

    /** A public class that is not a provider. */
    public static final class PublicPicker {
    }
}
