package io.optiflow.lb.server.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Checks HTTP Basic credentials of the admin plane against {@link AdminUsers}, throttled by {@link LoginGuard}.
 *
 * <p>A refused attempt (address must wait, or too many slow checks at once) is answered {@code 429} here, then
 * failed: Quarkus' auth failure handler leaves an answered response alone, so no {@code 401} follows it.
 */
@ApplicationScoped
public class AdminIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    @Inject
    AdminUsers users;

    @Inject
    LoginGuard guard;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        String address = LoginGuard.address(rc);
        if (guard.refuseIfWaiting(rc, address)) { // before any hashing: a throttled guess costs nothing
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        // runBlocking: a check of a generated password runs PBKDF2, too slow for the event loop.
        return context.runBlocking(() -> {
            String name = request.getUsername();
            AdminUsers.Login login = users.authenticate(name, request.getPassword().getPassword());
            if (login.busy()) {
                guard.refuseBusy(rc);
                throw new AuthenticationFailedException();
            }
            if (!login.granted()) {
                guard.failed(address, name);
                throw new AuthenticationFailedException();
            }
            guard.succeeded(address, name);
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(name))
                    .addRoles(login.roles())
                    .addCredential(request.getPassword())
                    .build();
        });
    }
}
