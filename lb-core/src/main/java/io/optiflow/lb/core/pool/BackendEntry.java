package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.Backend;
import java.util.Objects;

/**
 * What the control plane tells a pool about one backend: the backend (weight in force), its URL, admin state, and
 * where its values come from (for views).
 *
 * @param backend          the backend, with the weight in force
 * @param url              {@code http://host:port}
 * @param origin           {@code config}, {@code runtime}, {@code registration} or a discovery type
 * @param state            admin state in force
 * @param weightOverridden whether a runtime override sets the weight
 * @param stateOverridden  whether a runtime override sets the state
 */
public record BackendEntry(Backend backend, String url, String origin, AdminState state, boolean weightOverridden,
                           boolean stateOverridden) {

    public static final String ORIGIN_CONFIG = "config";
    public static final String ORIGIN_RUNTIME = "runtime";
    public static final String ORIGIN_REGISTRATION = "registration";

    public BackendEntry {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(state, "state");
    }

    /** A configured, enabled backend with no overrides. */
    public static BackendEntry configured(Backend backend, String url) {
        return new BackendEntry(backend, url, ORIGIN_CONFIG, AdminState.ENABLED, false, false);
    }
}
