package io.optiflow.lb.core.control;

import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.ServicePool;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.registry.StrategyRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The one place operator actions happen: the admin REST API and the dashboard are thin faces on it. Every change
 * is validated first (an invalid one throws {@link AdminException} and changes nothing), applied, written to the
 * data folder (temp file, fsync, atomic rename) and audited before the method returns. Runtime changes are
 * overrides on top of the static config; {@code reset*} drops them.
 *
 * <p>Threading: all methods are thread-safe; changes are serialized.
 *
 * <p>SKELETON (lead): the core helper implements it; the signatures are the contract.
 */
public final class ControlPlane implements AutoCloseable {

    /**
     * @param registry  strategies
     * @param dataDir   folder of {@code state.json} and {@code audit.jsonl} (created if absent)
     * @param ticker    monotonic clock for strategies and health
     * @param random    thread-safe random source for strategies
     * @param scheduler for strategies' and health's background work
     * @param clock     wall clock for audit timestamps
     */
    public ControlPlane(StrategyRegistry registry, Path dataDir, Ticker ticker, RandomSource random,
                        ScheduledExecutorService scheduler, Clock clock) {
        throw new UnsupportedOperationException("core helper implements this");
    }

    /**
     * Builds the pools of the static config with the saved overrides on top.
     *
     * @throws AdminException      (INVALID) when the static config is invalid (unknown strategy, bad strategy
     *                             config, duplicate backend), each error naming the service and key
     * @throws StateFileException  when a state file is corrupt
     */
    public void start(List<ServiceSpec> services) {
        throw new UnsupportedOperationException();
    }

    public List<StrategyDescriptor> strategies() {
        throw new UnsupportedOperationException();
    }

    public Collection<ServicePool> pools() {
        throw new UnsupportedOperationException();
    }

    public Optional<ServicePool> pool(String service) {
        throw new UnsupportedOperationException();
    }

    public List<ServiceView> services() {
        throw new UnsupportedOperationException();
    }

    /** @throws AdminException NOT_FOUND */
    public ServiceView service(String name) {
        throw new UnsupportedOperationException();
    }

    /** Switches live: builds and validates the new strategy first, then swaps; in-flight counts carry over. */
    public ServiceView switchStrategy(String service, String strategy, Map<String, String> config, String actor) {
        throw new UnsupportedOperationException();
    }

    /** Drops the strategy override: back to the configured strategy. */
    public ServiceView resetStrategy(String service, String actor) {
        throw new UnsupportedOperationException();
    }

    /** @param weight null for the default weight (1) */
    public BackendView addBackend(String service, String url, Integer weight, String actor) {
        throw new UnsupportedOperationException();
    }

    /** Changes weight and/or state (null leaves a field as it is). */
    public BackendView updateBackend(String service, String backendId, Integer weight, AdminState state,
                                     String actor) {
        throw new UnsupportedOperationException();
    }

    /** Drops the weight and state overrides of a backend: back to its configured values. */
    public BackendView resetBackend(String service, String backendId, String actor) {
        throw new UnsupportedOperationException();
    }

    /** Removes a backend (configured ones stay removed across restarts, as an override). */
    public void removeBackend(String service, String backendId, String actor) {
        throw new UnsupportedOperationException();
    }

    /** The newest {@code limit} audit entries, newest first. */
    public List<AuditEntry> audit(int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
