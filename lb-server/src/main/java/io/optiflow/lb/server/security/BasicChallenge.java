package io.optiflow.lb.server.security;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the HTTP Basic challenge on the API's 401 answers. With the dashboard's form login enabled next to it,
 * Quarkus runs Basic "silently" (it checks an Authorization header but sends no {@code WWW-Authenticate}), which
 * would leave curl and API clients without the challenge they expect. The header is added to every 401 of
 * {@code /api/*} and {@code /q/*} that lacks one.
 */
@Singleton
public class BasicChallenge {

    @ConfigProperty(name = "quarkus.http.auth.realm", defaultValue = "Quarkus")
    String realm;

    void install(@Observes Router router) {
        String challenge = "basic realm=\"" + realm + "\"";
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            String path = rc.normalizedPath();
            if (path.startsWith("/api/") || path.equals("/api") || path.startsWith("/q/") || path.equals("/q")) {
                rc.addHeadersEndHandler(v -> {
                    if (rc.response().getStatusCode() == 401
                            && !rc.response().headers().contains("WWW-Authenticate")) {
                        rc.response().putHeader("WWW-Authenticate", challenge);
                    }
                });
            }
            rc.next();
        });
    }
}
