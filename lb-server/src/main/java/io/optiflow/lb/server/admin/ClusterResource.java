package io.optiflow.lb.server.admin;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.control.StateStatus;
import io.optiflow.lb.core.state.ReplicaStatus;
import io.optiflow.lb.server.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The state store and the replicas sharing it (docs/cluster.md). */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "cluster", description = "The state store and the replicas sharing it")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class ClusterResource {

    @Inject
    ControlPlane control;

    @GET
    @Operation(summary = "The state store as this replica sees it, and every replica with its last heartbeat and"
            + " applied state revision")
    @APIResponse(responseCode = "200", description = "Store status and replicas",
            content = @Content(schema = @Schema(implementation = AdminJson.Cluster.class)))
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    public AdminJson.Cluster get() {
        StateStatus s = control.stateStatus();
        List<AdminJson.Replica> replicas = new ArrayList<>();
        for (ReplicaStatus r : control.replicas()) {
            replicas.add(new AdminJson.Replica(r.id(), r.address(), r.lastSeen().toString(), r.revision()));
        }
        return new AdminJson.Cluster(s.store(), s.location(), s.shared(), s.available(), s.since().toString(),
                s.problem(), s.revision(), s.replicaId(), replicas);
    }
}
