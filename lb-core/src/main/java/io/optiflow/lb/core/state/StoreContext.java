package io.optiflow.lb.core.state;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What a store is opened with.
 *
 * @param config  its settings: the keys under {@code lb.state.<name>.}, without that prefix
 * @param dataDir the data folder ({@code lb.data.dir}); the local store keeps the state there
 * @param replica this replica's id and address
 * @param clock   wall clock (replica heartbeats)
 */
public record StoreContext(Map<String, String> config, Path dataDir, ReplicaIdentity replica, Clock clock) {

    public StoreContext {
        config = Map.copyOf(Objects.requireNonNull(config, "config"));
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(replica, "replica");
        Objects.requireNonNull(clock, "clock");
    }

    /** This replica's id and the address it serves on. */
    public record ReplicaIdentity(String id, String address) {
        public ReplicaIdentity {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
        }
    }
}
