package io.optiflow.lb.server.admin;

import io.optiflow.lb.core.control.AdminException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A refused control-plane change becomes 404 / 400 / 409 with {@code {"errors": [...]}}; nothing was changed. */
public class AdminExceptionMapper {

    @ServerExceptionMapper
    public Response map(AdminException e) {
        Response.Status status = switch (e.kind()) {
            case NOT_FOUND -> Response.Status.NOT_FOUND;
            case INVALID -> Response.Status.BAD_REQUEST;
            case CONFLICT -> Response.Status.CONFLICT;
        };
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new AdminJson.Errors(e.errors())).build();
    }
}
