package io.optiflow.lb.dashboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.DefaultServicePool;
import io.optiflow.lb.core.pool.Selector;
import io.optiflow.lb.core.pool.ServicePool;
import org.junit.jupiter.api.Test;

class DashboardArchitectureTest {

    private static final JavaClasses DASHBOARD = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.optiflow.lb.dashboard");

    @Test
    void dashboard_knowsNoServerNoQuarkusNoVertx() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("io.optiflow.lb.server..", "io.quarkus..", "io.vertx..", "io.netty..")
                .because("the dashboard is a face on lb-core's control plane; it needs nothing from lb-server")
                .check(DASHBOARD);
    }

    @Test
    void dashboard_neverTouchesTheDataPlaneOrThePoolsDirectly() {
        noClasses().should().dependOnClassesThat().areAssignableTo(Selector.class)
                .orShould().dependOnClassesThat().areAssignableTo(ServicePool.class)
                .orShould().dependOnClassesThat().areAssignableTo(DefaultServicePool.class)
                .orShould().callMethod(ControlPlane.class, "pools")
                .orShould().callMethod(ControlPlane.class, "poolsTyped")
                .because("live numbers come from the one shared sampler; changes go through the control plane")
                .check(DASHBOARD);
    }
}
