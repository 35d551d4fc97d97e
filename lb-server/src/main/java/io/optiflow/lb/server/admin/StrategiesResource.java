package io.optiflow.lb.server.admin;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.server.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/strategies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "strategies", description = "Balancing strategies found: built-in and plug-in JARs")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class StrategiesResource {

    @Inject
    ControlPlane control;

    @GET
    @Operation(summary = "Every strategy that can be switched to, with its config schema",
            description = "Built-in strategies and those of plug-in JARs in lb.plugins.dir (a JAR dropped there is"
                    + " listed within a few seconds). Sorted by name.")
    @APIResponse(responseCode = "200", description = "The strategies",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = AdminJson.Strategy.class)))
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    public List<AdminJson.Strategy> list() {
        return control.strategies().stream().map(AdminJson.Strategy::of).toList();
    }
}
