package io.optiflow.lb.core.state;

import java.time.Instant;

/**
 * One replica as the store has last heard of it.
 *
 * @param id       its id ({@code lb.state.replica-id})
 * @param address  where it serves
 * @param lastSeen its last heartbeat
 * @param revision the state revision it had applied then
 */
public record ReplicaStatus(String id, String address, Instant lastSeen, long revision) {
}
