package io.optiflow.lb.api;

/** Why a picker chose no backend. */
public enum Rejection implements PickResult {
    /** The snapshot holds no backend that can take the request (empty, or all excluded). */
    NO_BACKEND,
    /** Every candidate backend is at its rate limit; the proxy answers 429. */
    RATE_LIMITED;

    @Override
    public boolean isBackend() {
        return false;
    }

    @Override
    public Backend backend() {
        throw new IllegalStateException("not a backend: " + name());
    }

    @Override
    public Rejection rejection() {
        return this;
    }
}
