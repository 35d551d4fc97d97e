package io.optiflow.lb.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.optiflow.lb.core.ThreadLocalRandomSource;
import org.junit.jupiter.api.Test;

class CoreArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.optiflow.lb.core");

    @Test
    void core_dependsOnNoServerOrUiFramework() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "io.vertx..", "com.vaadin..", "io.netty..", "jakarta..")
                .because("lb-core is plain Java: the server and the dashboard are faces on it")
                .check(CORE);
    }

    @Test
    void core_threadLocalRandomOnlyInThreadLocalRandomSource() {
        noClasses().that().doNotHaveFullyQualifiedName(ThreadLocalRandomSource.class.getName())
                .should().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
                .because("randomness comes from a RandomSource, so tests can script it")
                .check(CORE);
    }

    @Test
    void core_noWallClockOrNanoTimeOutsideEdges() {
        noClasses().should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .because("time comes from the injected Ticker (and Clock for audit timestamps)")
                .check(CORE);
    }
}
