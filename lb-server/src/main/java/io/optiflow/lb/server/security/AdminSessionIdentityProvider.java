package io.optiflow.lb.server.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * The dashboard's session: after a form login (checked by {@link AdminIdentityProvider}, like HTTP Basic), Quarkus
 * keeps the user name in an encrypted cookie and asks this provider for the identity on each request. The roles
 * are looked up now, so a user removed from the config loses the session at the next restart.
 */
@ApplicationScoped
public class AdminSessionIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    @Inject
    AdminUsers users;

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        String name = request.getPrincipal();
        Set<String> roles = users.roles(name).orElse(null);
        if (roles == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(name))
                .addRoles(roles)
                .build());
    }
}
