package io.optiflow.lb.discovery;

/**
 * A running source of backend instances for one service (file, DNS, Kubernetes, Consul, ...), made by a
 * {@link DiscoveryProvider}. It reports the full current list each time it (may have) changed, and every failure;
 * the control plane turns each list into one pool update (a list that changes nothing publishes nothing) and keeps
 * the last good set on a failure.
 *
 * <p>Threading: {@link #start} and {@link #close} are called by the owner once each, from any thread. The listener
 * may be called from the source's own threads, one call at a time; it does not block for long.
 */
public interface ServiceDiscovery extends AutoCloseable {

    /** What it watches, in words, for status views ({@code /etc/lb/api.yaml}, {@code SRV _http._tcp.api}, ...). */
    String describe();

    /** Starts watching; reports to {@code listener} from now on (the first answer as soon as it has one). */
    void start(DiscoveryListener listener);

    /** Stops watching and frees what it holds; no report after this returns. */
    @Override
    void close();
}
