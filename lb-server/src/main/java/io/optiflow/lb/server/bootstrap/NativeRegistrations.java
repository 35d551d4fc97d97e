package io.optiflow.lb.server.bootstrap;

import io.optiflow.lb.algorithms.consistenthash.ConsistentHashProvider;
import io.optiflow.lb.algorithms.latencyweighted.LatencyWeightedProvider;
import io.optiflow.lb.algorithms.leastconnections.LeastConnectionsProvider;
import io.optiflow.lb.algorithms.poweroftwo.PowerOfTwoProvider;
import io.optiflow.lb.algorithms.random.RandomProvider;
import io.optiflow.lb.algorithms.roundrobin.RoundRobinProvider;
import io.optiflow.lb.algorithms.weightedroundrobin.WeightedRoundRobinProvider;
import io.optiflow.lb.core.state.LocalStateStoreProvider;
import io.optiflow.lb.discovery.consul.ConsulDiscoveryProvider;
import io.optiflow.lb.discovery.dns.DnsDiscoveryProvider;
import io.optiflow.lb.discovery.file.FileDiscoveryProvider;
import io.optiflow.lb.discovery.kubernetes.KubernetesDiscoveryProvider;
import io.optiflow.lb.state.etcd.EtcdStateStoreProvider;
import io.optiflow.lb.state.kubernetes.KubernetesStateStoreProvider;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must know at build time because the code reaches it by reflection (docs/deployment.md,
 * "Native image"). Quarkus builds native images without GraalVM's automatic ServiceLoader support, so:
 * <ul>
 *   <li>every provider listed in an {@code io.optiflow} {@code META-INF/services} file is registered here (its
 *       public no-argument constructor is what ServiceLoader calls), and the listings themselves are included as
 *       resources ({@code quarkus.native.resources.includes} in application.properties);</li>
 *   <li>classes that look up their own fields through {@code MethodHandles.Lookup.findVarHandle} are registered
 *       (methods and fields, the annotation's defaults).</li>
 * </ul>
 * The admin API's JSON types carry {@code @RegisterForReflection} themselves ({@code AdminJson}); the {@code lb.*}
 * config mappings are registered by Quarkus. {@code NativeRegistrationsTest} fails when something new is reached by
 * reflection and not registered here, and says what to add.
 */
@RegisterForReflection(targets = {
        // io.optiflow.lb.api.spi.StrategyProvider
        ConsistentHashProvider.class,
        LatencyWeightedProvider.class,
        LeastConnectionsProvider.class,
        PowerOfTwoProvider.class,
        RandomProvider.class,
        RoundRobinProvider.class,
        WeightedRoundRobinProvider.class,
        // io.optiflow.lb.core.state.StateStoreProvider
        LocalStateStoreProvider.class,
        EtcdStateStoreProvider.class,
        KubernetesStateStoreProvider.class,
        // io.optiflow.lb.discovery.DiscoveryProvider
        FileDiscoveryProvider.class,
        DnsDiscoveryProvider.class,
        KubernetesDiscoveryProvider.class,
        ConsulDiscoveryProvider.class,
}, classNames = {
        // package-private; its VarHandles are looked up by field name
        "io.optiflow.lb.algorithms.latencyweighted.BackendState",
        "io.optiflow.lb.algorithms.latencyweighted.LatencyWeightedPicker",
        "io.optiflow.lb.algorithms.support.PaddedCursorValue",
        // the pool's per-backend counters, also VarHandles by field name (BackendStats is public, LatencyHistogram not)
        "io.optiflow.lb.core.pool.BackendStats",
        "io.optiflow.lb.core.pool.LatencyHistogram",
        // package-private; the event loop's in-flight count, written with a release store through a VarHandle
        "io.optiflow.lb.server.proxy.LoopContext",
})
public final class NativeRegistrations {

    private NativeRegistrations() {
    }
}
