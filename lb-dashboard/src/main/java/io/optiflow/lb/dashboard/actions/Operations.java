package io.optiflow.lb.dashboard.actions;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import io.optiflow.lb.core.control.AdminException;
import io.optiflow.lb.dashboard.security.DashboardUser;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a page makes a change: as the logged-in user, through the control plane (which validates, persists and
 * audits, exactly as for the admin API). A viewer's change is refused here, whatever the browser sent: the pages
 * also show a viewer no enabled control, but the server does not rely on that.
 */
public final class Operations {

    /** What a viewer is told. */
    public static final String READ_ONLY = "role viewer may not change anything (log in as an operator)";

    private final DashboardUser user;

    public Operations(DashboardUser user) {
        this.user = user;
    }

    /** The operations of the current session's user (a read-only nobody when there is none). */
    public static Operations current() {
        return new Operations(DashboardUser.current().orElse(new DashboardUser("", false)));
    }

    /** Whether controls should be enabled. */
    public boolean mayChange() {
        return user.operator();
    }

    /**
     * Runs {@code change} with the user's name as the actor.
     *
     * @param what     what the change does, for the confirmation ("backend 10.0.0.1:80 drained")
     * @param change   the control-plane call; gets the actor
     * @param refused  gets the errors when the control plane refused the change (nothing changed); null: shown
     *                 as a notification
     * @return whether it was done
     */
    public boolean run(String what, Consumer<String> change, Consumer<List<String>> refused) {
        if (!user.operator()) {
            refuse(READ_ONLY);
            return false;
        }
        try {
            change.accept(user.name());
        } catch (AdminException e) {
            show(e.errors(), refused);
            return false;
        } catch (IllegalStateException e) { // could not be saved: the core undid it
            show(List.of(e.getMessage()), null);
            return false;
        }
        Notification n = Notification.show(what, 2500, Notification.Position.BOTTOM_END);
        n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
        return true;
    }

    /** Tells the user a change was not made, and why. */
    public void refuse(String why) {
        show(List.of(why), null);
    }

    private static void show(List<String> errors, Consumer<List<String>> refused) {
        if (refused != null) {
            refused.accept(errors);
            return;
        }
        Notification n = Notification.show("Not changed: " + String.join("; ", errors), 6000,
                Notification.Position.BOTTOM_END);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }
}
