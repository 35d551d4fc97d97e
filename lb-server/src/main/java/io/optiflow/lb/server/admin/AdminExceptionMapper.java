package io.optiflow.lb.server.admin;

import io.optiflow.lb.core.control.AdminException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A refused control-plane change becomes 404 / 400 / 409 with {@code {"errors": [...]}}; nothing was changed.
 * A change the control plane could not make durable (data folder full or read-only: it undoes the change and throws
 * {@link IllegalStateException}) becomes 500 with the reason, never a bare error page.
 */
public class AdminExceptionMapper {

    private static final Logger LOG = Logger.getLogger(AdminExceptionMapper.class);

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

    @ServerExceptionMapper
    public Response map(IllegalStateException e) {
        LOG.errorf("admin change not made: %s", e.getMessage());
        return Response.serverError().type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new AdminJson.Errors(List.of("not changed: " + e.getMessage()))).build();
    }
}
