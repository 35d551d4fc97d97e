package io.optiflow.lb.core.stats;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the sampler knows at one tick: the history of every service, by name (sorted). Immutable; one
 * instance is handed to every reader of that tick.
 *
 * @param at       when the newest samples were taken
 * @param sequence tick number since the sampler started (a reader can skip a snapshot it has already drawn)
 * @param services history by service name
 */
public record StatsSnapshot(Instant at, long sequence, Map<String, ServiceHistory> services) {

    public StatsSnapshot {
        services = Map.copyOf(services);
    }

    /** The history of one service, if it is known. */
    public Optional<ServiceHistory> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    /** The newest sample of every service, sorted by name. */
    public List<ServiceSample> latest() {
        return services.values().stream().map(ServiceHistory::latest)
                .sorted(java.util.Comparator.comparing(ServiceSample::name)).toList();
    }
}
