package io.optiflow.lb.server.admin;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.control.Registrations;
import io.optiflow.lb.server.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Self-registration: an instance registers its URL with a TTL, renews it, deregisters. A thin face on
 * {@link Registrations} (validated, saved and audited there before this answers).
 */
@Path("/api/v1/services/{name}/registrations")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
@Tag(name = "registrations", description = "Self-registration of instances with a TTL")
public class RegistrationsResource {

    @Inject
    ControlPlane control;

    @Inject
    SecurityIdentity identity;

    @Context
    UriInfo uriInfo;

    @GET
    @Operation(summary = "The registered instances of a service")
    @APIResponse(responseCode = "200", description = "Registrations",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = AdminJson.Registration.class)))
    @APIResponse(responseCode = "404", description = "No such service",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    public List<AdminJson.Registration> list(@PathParam("name") String name) {
        return control.registrations().list(name).stream().map(AdminJson.Registration::of).toList();
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Register an instance", description = "It joins the service (with slow start) and stays"
            + " while it renews within its TTL. The same URL registered again renews (200) and keeps its id.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AdminJson.Register.class)))
    @APIResponse(responseCode = "201", description = "Registered; the id renews and deregisters",
            content = @Content(schema = @Schema(implementation = AdminJson.Registration.class)))
    @APIResponse(responseCode = "200", description = "Already registered: renewed",
            content = @Content(schema = @Schema(implementation = AdminJson.Registration.class)))
    @APIResponse(responseCode = "400", description = "Bad URL, weight, TTL or JSON; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "409", description = "Another source already has that address",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "403", description = "Role operator needed")
    public Response register(@PathParam("name") String name, String body) {
        RequestBodies.Register req = RequestBodies.register(body);
        Registrations.Outcome out = control.registrations().register(name, req.url(), req.weight(), req.ttlMillis(),
                actor());
        AdminJson.Registration json = AdminJson.Registration.of(out.registration());
        return out.created()
                ? Response.created(uriInfo.getAbsolutePathBuilder().segment(json.id()).build()).entity(json).build()
                : Response.ok(json).build();
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Renew a registration for another TTL")
    @APIResponse(responseCode = "200", description = "Renewed",
            content = @Content(schema = @Schema(implementation = AdminJson.Registration.class)))
    @APIResponse(responseCode = "404", description = "No such service or registration (expired: register again)",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "403", description = "Role operator needed")
    public AdminJson.Registration renew(@PathParam("name") String name, @PathParam("id") String id) {
        return AdminJson.Registration.of(control.registrations().renew(name, id, actor()));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Deregister", description = "The backend gets no new request; those in flight finish.")
    @APIResponse(responseCode = "204", description = "Deregistered")
    @APIResponse(responseCode = "404", description = "No such service or registration",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "403", description = "Role operator needed")
    public Response deregister(@PathParam("name") String name, @PathParam("id") String id) {
        control.registrations().deregister(name, id, actor());
        return Response.noContent().build();
    }

    private String actor() {
        return identity.getPrincipal().getName();
    }
}
