package io.optiflow.lb.server.admin;

import io.optiflow.lb.core.control.AdminException;
import io.optiflow.lb.core.control.ControlPlane;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A refused control-plane change becomes 404 / 400 / 409 / 503 with {@code {"errors": [...]}}; nothing was changed.
 * A conflict about one service also carries the service as it is now and its tag (409); a state store out of reach
 * gives 503 with Retry-After. A change the control plane could not make durable otherwise (data folder full or
 * read-only: it undoes the change and throws {@link IllegalStateException}) becomes 500 with the reason, never a bare
 * error page.
 */
public class AdminExceptionMapper {

    private static final Logger LOG = Logger.getLogger(AdminExceptionMapper.class);

    @Inject
    ControlPlane control;

    @ServerExceptionMapper
    public Response map(AdminException e) {
        Response.Status status = switch (e.kind()) {
            case NOT_FOUND -> Response.Status.NOT_FOUND;
            case INVALID -> Response.Status.BAD_REQUEST;
            case CONFLICT -> Response.Status.CONFLICT;
            case UNAVAILABLE -> Response.Status.SERVICE_UNAVAILABLE;
        };
        Response.ResponseBuilder r = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE);
        if (e.kind() == AdminException.Kind.UNAVAILABLE) {
            r.header("Retry-After", "1");
        }
        if (e.kind() == AdminException.Kind.CONFLICT && e.service() != null) {
            String tag = control.stateTag(e.service());
            return r.header("ETag", ServicesResource.etag(tag)).entity(new AdminJson.Conflict(e.errors(),
                    AdminJson.Service.of(control.service(e.service())), tag)).build();
        }
        return r.entity(new AdminJson.Errors(e.errors())).build();
    }

    @ServerExceptionMapper
    public Response map(IllegalStateException e) {
        LOG.errorf("admin change not made: %s", e.getMessage());
        return Response.serverError().type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new AdminJson.Errors(List.of("not changed: " + e.getMessage()))).build();
    }
}
