package io.optiflow.lb.core.state;

/**
 * The state document as a store holds it.
 *
 * @param document the JSON document, or null when the store holds none yet
 * @param version  the store's own version of it (etcd mod revision, Kubernetes resourceVersion, ...): what a
 *                 compare-and-set compares; {@link #ABSENT_VERSION} when there is no document
 */
public record StoredState(byte[] document, String version) {

    /** The version of "no document yet". */
    public static final String ABSENT_VERSION = "";

    public static final StoredState ABSENT = new StoredState(null, ABSENT_VERSION);

    public boolean isAbsent() {
        return document == null;
    }
}
