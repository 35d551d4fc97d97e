package io.optiflow.lb.server.admin;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** The admin REST face stays thin: it talks to the control plane only, and never persists anything itself. */
class AdminArchitectureTest {

    private static final JavaClasses ADMIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.optiflow.lb.server.admin");

    @Test
    void adminResources_useNoServerInternals() {
        ArchRule rule = noClasses().that().resideInAPackage("io.optiflow.lb.server.admin..")
                .should().dependOnClassesThat().resideInAnyPackage("io.optiflow.lb.server.proxy..",
                        "io.optiflow.lb.server.health..", "io.optiflow.lb.server.ratelimit..",
                        "io.optiflow.lb.server.metrics..", "io.optiflow.lb.server.bootstrap..",
                        "io.optiflow.lb.server.config..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(
                        "io.optiflow.lb.core.registry.StrategyRegistry")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.optiflow.lb.core.pool.ServicePool")
                .because("a change goes through ControlPlane, which validates, persists and audits it");
        rule.check(ADMIN);
    }

    @Test
    void adminResources_doNoFileIo() {
        ArchRule rule = noClasses().that().resideInAPackage("io.optiflow.lb.server.admin..")
                .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.nio.channels..")
                .orShould().dependOnClassesThat().haveNameMatching("java\\.io\\.File.*")
                .because("persistence (temp file, fsync, rename) belongs to the control plane");
        rule.check(ADMIN);
    }
}
