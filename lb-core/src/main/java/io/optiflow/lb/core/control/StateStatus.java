package io.optiflow.lb.core.control;

import java.time.Instant;

/**
 * The state store as this replica sees it: for the dashboard, readiness detail and metrics.
 *
 * @param store     the store's name ({@code local}, {@code etcd}, {@code kubernetes})
 * @param location  where it keeps the state
 * @param shared    whether other replicas share it
 * @param available whether it answers (a replica without it serves on, with its last state, and takes no change)
 * @param since     since when it has (or has not) answered
 * @param problem   why it does not answer, or null
 * @param revision  the state revision this replica has applied
 * @param replicaId this replica's id
 */
public record StateStatus(String store, String location, boolean shared, boolean available, Instant since,
                          String problem, long revision, String replicaId) {
}
