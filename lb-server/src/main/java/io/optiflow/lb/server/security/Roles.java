package io.optiflow.lb.server.security;

import java.util.Set;

/** The two admin roles. An operator can do everything a viewer can. */
public final class Roles {

    /** Reads: services, strategies, audit, health, metrics, OpenAPI, the dashboard. */
    public static final String VIEWER = "viewer";
    /** Changes: strategy switches, backends added, weighted, drained, removed. */
    public static final String OPERATOR = "operator";

    private Roles() {
    }

    /** The roles a user configured with {@code role} holds, or null when {@code role} is not a role. */
    static Set<String> granted(String role) {
        return switch (role) {
            case VIEWER -> Set.of(VIEWER);
            case OPERATOR -> Set.of(OPERATOR, VIEWER);
            default -> null;
        };
    }
}
