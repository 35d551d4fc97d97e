package io.optiflow.lb.server.admin;

import io.optiflow.lb.core.control.AdminException;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.server.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Services, their strategy and backends. A thin face on {@link ControlPlane}: it validates, persists (before this
 * answers) and audits; this maps JSON to calls and passes the authenticated user as the actor.
 */
@Path("/api/v1/services")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD) // CrossSiteGuard admits JSON only, with its own message for anything else
@Tag(name = "services", description = "Services, their strategy and backends")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class ServicesResource {

    private static final String NAME = "Service name, as configured (lb.services.<name>)";
    private static final String ID = "Backend id, host:port (':' may be sent as is or as %3A)";
    private static final String IF_MATCH = "Optional: the ETag of GET /api/v1/services/{name}; the change is made"
            + " only if the service's runtime state is still that one (else 409 with the current value)";

    @Inject
    ControlPlane control;

    @Inject
    SecurityIdentity identity;

    @Context
    UriInfo uriInfo;

    @GET
    @Operation(summary = "Every service with its strategy and backends' live figures")
    @APIResponse(responseCode = "200", description = "The services, sorted by name",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = AdminJson.Service.class)))
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    public List<AdminJson.Service> list() {
        return control.services().stream().map(this::json).toList();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "One service: strategy and config, backends with weight, state, health, in-flight,"
            + " requests, errors and latency; which values are overridden at runtime")
    @APIResponse(responseCode = "200", description = "The service; ETag is the tag of its runtime overrides (send it"
            + " as If-Match with a change to make it only if nobody changed the service since)",
            content = @Content(schema = @Schema(implementation = AdminJson.Service.class)))
    @APIResponse(responseCode = "404", description = "No such service",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    public RestResponse<AdminJson.Service> get(@Parameter(description = NAME) @PathParam("name") String name) {
        String tag = control.stateTag(name);
        return RestResponse.ResponseBuilder.ok(json(control.service(name)))
                .header("ETag", etag(tag)).build();
    }

    @PUT
    @Path("{name}/strategy")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Switch the strategy live",
            description = "Builds and validates the new strategy first; on any error nothing changes. In-flight"
                    + " counts carry over. The change is saved to the data folder before this answers and stays in"
                    + " force across restarts (an override of lb.services.<name>.strategy).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AdminJson.SwitchStrategy.class)))
    @APIResponse(responseCode = "200", description = "Switched; the service as it is now",
            content = @Content(schema = @Schema(implementation = AdminJson.Service.class)))
    @APIResponse(responseCode = "400", description = "Unknown strategy, bad config or bad JSON; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "404", description = "No such service",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "403", description = "Role operator needed")
    @APIResponse(responseCode = "409", description = "Changed by another replica or operator first (see"
            + " If-Match); nothing changed; the body has the current value", content = @Content(schema =
            @Schema(implementation = AdminJson.Conflict.class)))
    @APIResponse(responseCode = "503", description = "The shared state store can't be reached; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    public AdminJson.Service switchStrategy(@Parameter(description = NAME) @PathParam("name") String name,
                                            @Parameter(description = IF_MATCH) @HeaderParam("If-Match") String ifMatch,
                                            String body) {
        RequestBodies.SwitchStrategy req = RequestBodies.switchStrategy(body);
        return json(control.switchStrategy(name, req.name(), req.config(), tag(ifMatch), actor()));
    }

    @DELETE
    @Path("{name}/strategy")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Drop the strategy override: back to the configured strategy and config")
    @APIResponse(responseCode = "200", description = "The service as it is now",
            content = @Content(schema = @Schema(implementation = AdminJson.Service.class)))
    @APIResponse(responseCode = "404", description = "No such service",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "403", description = "Role operator needed")
    @APIResponse(responseCode = "409", description = "Changed by another replica or operator first (see"
            + " If-Match); nothing changed; the body has the current value", content = @Content(schema =
            @Schema(implementation = AdminJson.Conflict.class)))
    @APIResponse(responseCode = "503", description = "The shared state store can't be reached; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    public AdminJson.Service resetStrategy(@Parameter(description = NAME) @PathParam("name") String name,
                                           @Parameter(description = IF_MATCH) @HeaderParam("If-Match")
                                           String ifMatch) {
        return json(control.resetStrategy(name, tag(ifMatch), actor()));
    }

    @GET
    @Path("{name}/backends/{id}")
    @Operation(summary = "One backend of a service")
    @APIResponse(responseCode = "200", description = "The backend",
            content = @Content(schema = @Schema(implementation = AdminJson.Backend.class)))
    @APIResponse(responseCode = "404", description = "No such service or backend",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    public AdminJson.Backend backend(@Parameter(description = NAME) @PathParam("name") String name,
                                     @Parameter(description = ID) @PathParam("id") String id) {
        ServiceView service = control.service(name);
        for (BackendView b : service.backends()) {
            if (b.id().equals(id)) {
                return AdminJson.Backend.of(b);
            }
        }
        throw new AdminException(AdminException.Kind.NOT_FOUND, "id: '" + id + "' is not a backend of service '"
                + name + "' (expected: one of " + service.backends().stream().map(BackendView::id).toList() + ")");
    }

    @POST
    @Path("{name}/backends")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Add a backend", description = "Saved before this answers; stays across restarts.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AdminJson.AddBackend.class)))
    @APIResponse(responseCode = "201", description = "Added; Location names it",
            content = @Content(schema = @Schema(implementation = AdminJson.Backend.class)))
    @APIResponse(responseCode = "400", description = "Bad URL, bad weight or bad JSON; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "404", description = "No such service",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "409", description = "The service already has a backend with that id, or it was"
            + " changed by another replica or operator first (see If-Match)",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "403", description = "Role operator needed")
    @APIResponse(responseCode = "503", description = "The shared state store can't be reached; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    public Response addBackend(@Parameter(description = NAME) @PathParam("name") String name,
                               @Parameter(description = IF_MATCH) @HeaderParam("If-Match") String ifMatch,
                               String body) {
        RequestBodies.AddBackend req = RequestBodies.addBackend(body);
        BackendView b = control.addBackend(name, req.url(), req.weight(), tag(ifMatch), actor());
        return Response.created(uriInfo.getAbsolutePathBuilder().segment(b.id()).build())
                .entity(AdminJson.Backend.of(b)).build();
    }

    @PATCH
    @Path("{name}/backends/{id}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Change a backend's weight and/or admin state",
            description = "state: ENABLED (takes traffic), DRAINING (no new requests, those in flight finish),"
                    + " DISABLED (no traffic). Saved before this answers; stays across restarts.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AdminJson.PatchBackend.class)))
    @APIResponse(responseCode = "200", description = "The backend as it is now",
            content = @Content(schema = @Schema(implementation = AdminJson.Backend.class)))
    @APIResponse(responseCode = "400", description = "Bad weight, bad state or bad JSON; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "404", description = "No such service or backend",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "403", description = "Role operator needed")
    @APIResponse(responseCode = "409", description = "Changed by another replica or operator first (see"
            + " If-Match); nothing changed; the body has the current value", content = @Content(schema =
            @Schema(implementation = AdminJson.Conflict.class)))
    @APIResponse(responseCode = "503", description = "The shared state store can't be reached; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    public AdminJson.Backend updateBackend(@Parameter(description = NAME) @PathParam("name") String name,
                                           @Parameter(description = ID) @PathParam("id") String id,
                                           @Parameter(description = IF_MATCH) @HeaderParam("If-Match")
                                           String ifMatch, String body) {
        RequestBodies.PatchBackend req = RequestBodies.patchBackend(body);
        return AdminJson.Backend.of(control.updateBackend(name, id, req.weight(), req.state(), tag(ifMatch),
                actor()));
    }

    @POST
    @Path("{name}/backends/{id}/reset")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Drop a backend's weight and state overrides: back to its configured values")
    @APIResponse(responseCode = "200", description = "The backend as it is now",
            content = @Content(schema = @Schema(implementation = AdminJson.Backend.class)))
    @APIResponse(responseCode = "404", description = "No such service or backend",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "403", description = "Role operator needed")
    @APIResponse(responseCode = "409", description = "Changed by another replica or operator first (see"
            + " If-Match); nothing changed; the body has the current value", content = @Content(schema =
            @Schema(implementation = AdminJson.Conflict.class)))
    @APIResponse(responseCode = "503", description = "The shared state store can't be reached; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    public AdminJson.Backend resetBackend(@Parameter(description = NAME) @PathParam("name") String name,
                                          @Parameter(description = ID) @PathParam("id") String id,
                                          @Parameter(description = IF_MATCH) @HeaderParam("If-Match")
                                          String ifMatch) {
        return AdminJson.Backend.of(control.resetBackend(name, id, tag(ifMatch), actor()));
    }

    @DELETE
    @Path("{name}/backends/{id}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Remove a backend",
            description = "A configured backend stays removed across restarts (an override). Saved before this"
                    + " answers.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "No such service or backend",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    @APIResponse(responseCode = "403", description = "Role operator needed")
    @APIResponse(responseCode = "409", description = "Changed by another replica or operator first (see"
            + " If-Match); nothing changed; the body has the current value", content = @Content(schema =
            @Schema(implementation = AdminJson.Conflict.class)))
    @APIResponse(responseCode = "503", description = "The shared state store can't be reached; nothing changed",
            content = @Content(schema = @Schema(implementation = AdminJson.Errors.class)))
    public Response removeBackend(@Parameter(description = NAME) @PathParam("name") String name,
                                  @Parameter(description = ID) @PathParam("id") String id,
                                  @Parameter(description = IF_MATCH) @HeaderParam("If-Match") String ifMatch) {
        control.removeBackend(name, id, tag(ifMatch), actor());
        return Response.noContent().build();
    }

    private AdminJson.Service json(ServiceView v) {
        return AdminJson.Service.of(v, control.discovery().status(v.name()).orElse(null));
    }

    /** The header value of a tag: a strong ETag. */
    static String etag(String tag) {
        return "\"" + tag + "\"";
    }

    /** The tag in an If-Match header ({@code "abc"}, {@code W/"abc"} or bare), or null for none or {@code *}. */
    private static String tag(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String t = ifMatch.trim();
        if (t.startsWith("W/")) {
            t = t.substring(2);
        }
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        return t;
    }

    private String actor() {
        return identity.getPrincipal().getName();
    }
}
