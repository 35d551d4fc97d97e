package io.optiflow.lb.server.health;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.control.StateStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The state store in readiness detail. Always UP: a replica that lost a shared store keeps serving with its last
 * state (only admin changes are refused), so taking it out of a Service's endpoints would be wrong; the detail
 * says so ({@code available}, {@code since}, {@code problem}, {@code revision}).
 */
@Readiness
@ApplicationScoped
public class StateStoreReadiness implements HealthCheck {

    @Inject
    ControlPlane control;

    @Override
    public HealthCheckResponse call() {
        StateStatus s = control.stateStatus();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("state-store").up()
                .withData("store", s.store())
                .withData("available", s.available())
                .withData("since", s.since().toString())
                .withData("revision", s.revision())
                .withData("replica", s.replicaId());
        if (!s.available()) {
            b.withData("problem", s.problem() + "; serving with the last state, admin changes refused (503)");
        }
        return b.build();
    }
}
