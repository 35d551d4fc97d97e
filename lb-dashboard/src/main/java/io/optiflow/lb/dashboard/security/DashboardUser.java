package io.optiflow.lb.dashboard.security;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinSession;
import java.security.Principal;
import java.util.Optional;

/**
 * Who is logged in to this dashboard session, read once from the request that the server's login authenticated
 * (the same users and roles as the admin API) and kept in the Vaadin session.
 *
 * @param name     the user name; it is the actor of every change made in this session
 * @param operator whether the user holds role {@value #OPERATOR_ROLE} (may change things); else read-only
 */
public record DashboardUser(String name, boolean operator) {

    /** The role that may change things (the admin API's name for it). */
    public static final String OPERATOR_ROLE = "operator";
    /** The role that may read. */
    public static final String VIEWER_ROLE = "viewer";

    /** The user of the current Vaadin session, if logged in. */
    public static Optional<DashboardUser> current() {
        VaadinSession session = VaadinSession.getCurrent();
        if (session == null) {
            return Optional.empty();
        }
        DashboardUser known = session.getAttribute(DashboardUser.class);
        if (known != null) {
            return Optional.of(known);
        }
        VaadinRequest request = VaadinRequest.getCurrent();
        Principal p = request == null ? null : request.getUserPrincipal();
        if (p == null || p.getName() == null || p.getName().isEmpty()) {
            return Optional.empty();
        }
        boolean operator = request.isUserInRole(OPERATOR_ROLE);
        if (!operator && !request.isUserInRole(VIEWER_ROLE)) {
            return Optional.empty(); // logged in elsewhere, but not an admin-plane user
        }
        DashboardUser user = new DashboardUser(p.getName(), operator);
        session.setAttribute(DashboardUser.class, user);
        return Optional.of(user);
    }

    /** The role shown next to the name. */
    public String role() {
        return operator ? OPERATOR_ROLE : VIEWER_ROLE;
    }
}
