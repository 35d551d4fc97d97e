package io.optiflow.lb.core.state;

import java.util.List;

/**
 * Where the runtime state document, the audit trail and the replica list live. The control plane is its only
 * caller: it writes the document with compare-and-set before a change is acknowledged, reads it at start and when
 * the store tells of a change, and sends a heartbeat about once a second.
 *
 * <p>Threading: every method may be called from any thread; writes are serialized by the caller. Network stores
 * bound every call in time and throw {@link StoreUnavailableException} rather than hang.
 */
public interface StateStore extends AutoCloseable {

    /** The provider's name ({@code local}, {@code etcd}, ...). */
    String name();

    /** Where it keeps the state, for messages: a file, a key, a ConfigMap. */
    String describe();

    /** Whether other replicas share it (false for the data folder). */
    boolean isShared();

    /**
     * The document now.
     *
     * @throws StoreUnavailableException when the store can't be reached
     */
    StoredState read();

    /**
     * Writes {@code document} and appends {@code auditLine} (one JSON object) if the store still holds version
     * {@code expectedVersion}; both or neither.
     *
     * @return the new version
     * @throws StoreConflictException    when the store holds another version (with what it holds)
     * @throws StoreUnavailableException when the store can't be reached; nothing was written as far as it knows
     * @throws RuntimeException          any other failure to write, saying what and where
     */
    String write(String expectedVersion, byte[] document, String auditLine);

    /** The newest {@code limit} audit lines, oldest first. @throws StoreUnavailableException */
    List<String> auditLines(int limit);

    /** Starts telling {@code listener} about changes (shared stores; the local store never calls it). */
    void watch(StoreListener listener);

    /** Records that this replica is alive and has applied {@code revision}. @throws StoreUnavailableException */
    void heartbeat(long revision);

    /** Every replica with a heartbeat in the store, by id. @throws StoreUnavailableException */
    List<ReplicaStatus> replicas();

    /** Drops a replica that has been gone a long time from the list. @throws StoreUnavailableException */
    void forget(String replicaId);

    @Override
    void close();
}
