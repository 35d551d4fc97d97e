package io.optiflow.lb.server.admin;

import io.optiflow.lb.core.control.AdminException;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.server.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit", description = "Who changed what, when, from what to what")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class AuditResource {

    static final int MAX_LIMIT = 1000;

    @Inject
    ControlPlane control;

    @GET
    @Operation(summary = "The newest acknowledged changes, newest first")
    @APIResponse(responseCode = "200", description = "Audit entries",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = AdminJson.Audit.class)))
    @APIResponse(responseCode = "400", description = "limit out of range",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    public List<AdminJson.Audit> list(
            @Parameter(description = "How many entries, 1.." + MAX_LIMIT + " (default 100)")
            @QueryParam("limit") String limit) {
        return control.audit(limit(limit)).stream().map(AdminJson.Audit::of).toList();
    }

    // Read as text so "abc" gets our message rather than a bare 404 from JAX-RS' failed conversion.
    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return 100;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new AdminException(AdminException.Kind.INVALID,
                "limit: '" + text + "' (expected: an integer from 1 to " + MAX_LIMIT + ")");
    }
}
