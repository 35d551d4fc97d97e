package io.optiflow.lb.dashboard.security;

import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.theme.lumo.Lumo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Every page but the login page needs a logged-in admin-plane user: anyone else is sent to {@link LoginView}.
 * The HTTP layer lets the dashboard's paths through (the framework's own requests and the login page must reach
 * the server); this is where the dashboard refuses them.
 */
@ApplicationScoped
public class AccessGuard {

    void onServiceInit(@Observes ServiceInitEvent event) {
        event.getSource().addUIInitListener(init -> {
            init.getUI().getElement().getThemeList().add(Lumo.DARK); // dark by default; the header has a toggle
            init.getUI().addBeforeEnterListener(AccessGuard::check);
        });
    }

    static void check(BeforeEnterEvent event) {
        boolean loggedIn = DashboardUser.current().isPresent();
        if (LoginView.class.equals(event.getNavigationTarget())) {
            if (loggedIn) {
                event.forwardTo("");
            }
            return;
        }
        if (!loggedIn) {
            event.forwardTo(LoginView.class);
        }
    }
}
