package io.optiflow.lb.discovery;

import java.util.List;
import java.util.function.Consumer;

/**
 * A source of backend instances for one service (static list, file, DNS, Kubernetes, Consul). It reports the full
 * current list each time it changes; the control plane turns each report into one pool update, so a report that
 * changes nothing publishes nothing.
 *
 * <p>Threading: {@link #start} and {@link #close} are called by the owner once each; the listener may be called from
 * the provider's own thread and must not block.
 */
public interface ServiceDiscovery extends AutoCloseable {

    /** Kebab-case name of the kind of source ({@code static}, {@code dns}, ...). */
    String kind();

    /** Starts watching; {@code listener} receives the full list of instances on every change (and once at start). */
    void start(Consumer<List<DiscoveredInstance>> listener);

    @Override
    default void close() {
    }
}
