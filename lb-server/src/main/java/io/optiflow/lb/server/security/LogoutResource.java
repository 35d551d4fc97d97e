package io.optiflow.lb.server.security;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Ends a dashboard session: drops the form-login cookie and sends the browser to the login page. The dashboard
 * closes its own (Vaadin) session before it sends the browser here.
 */
@Path("/logout")
@PermitAll
public class LogoutResource {

    @ConfigProperty(name = "quarkus.http.auth.form.cookie-name", defaultValue = "quarkus-credential")
    String cookieName;

    @GET
    @Operation(hidden = true)
    public Response logout() {
        NewCookie gone = new NewCookie.Builder(cookieName).path("/").value("").maxAge(0).httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).build();
        return Response.seeOther(URI.create("/login?logout")).cookie(gone)
                .header("Cache-Control", "no-store").build();
    }
}
