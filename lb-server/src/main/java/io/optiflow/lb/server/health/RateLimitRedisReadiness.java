package io.optiflow.lb.server.health;

import io.optiflow.lb.server.ratelimit.ClusterRateLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Redis of the cluster-wide rate limits in readiness detail, like the state store: always UP (without Redis the
 * limits fall back to {@code cluster-fallback}, serving goes on), the detail says whether Redis answers.
 */
@Readiness
@ApplicationScoped
public class RateLimitRedisReadiness implements HealthCheck {

    @Inject
    ClusterRateLimits limits;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("rate-limit-redis").up()
                .withData("in-use", limits.isActive());
        if (limits.isActive()) {
            b.withData("available", limits.isUp()).withData("since", limits.since().toString())
                    .withData("replicas", limits.replicas());
            if (!limits.isUp()) {
                b.withData("problem", limits.problem() + "; limits use each service's cluster-fallback");
            }
        }
        return b.build();
    }
}
