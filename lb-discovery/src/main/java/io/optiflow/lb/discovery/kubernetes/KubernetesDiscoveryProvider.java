package io.optiflow.lb.discovery.kubernetes;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.discovery.DiscoveryContext;
import io.optiflow.lb.discovery.DiscoveryProvider;
import io.optiflow.lb.discovery.Required;
import io.optiflow.lb.discovery.ServiceDiscovery;
import java.util.List;
import java.util.Map;

/**
 * {@code kubernetes}: the ready endpoints of a Service, from its EndpointSlices (label
 * {@code kubernetes.io/service-name}), watched through a fabric8 informer; the endpoint's zone becomes the label
 * {@code zone}. Client config: {@code kubeconfig} when given, else fabric8's auto-configuration (the
 * {@code KUBECONFIG} file or {@code ~/.kube/config} when present, otherwise the in-cluster service account).
 */
public final class KubernetesDiscoveryProvider implements DiscoveryProvider<KubernetesDiscoveryProvider.Config> {

    public static final String TYPE = "kubernetes";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .stringAttribute("service", null, "The Kubernetes Service whose EndpointSlices are watched.")
            .stringAttribute("namespace", null, "Its namespace; default: the client's (in-cluster: the pod's).")
            .stringAttribute("port-name", null, "The EndpointSlice port to use, by name; default: the only (or"
                    + " first) port.")
            .stringAttribute("kubeconfig", null, "A kubeconfig file to use instead of the auto-configuration.")
            .enumAttribute("scheme", "http", List.of("http", "https"), "Scheme of the backends.")
            .build();

    record Config(String service, String namespace, String portName, String kubeconfig, String scheme) {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public ConfigResult<Config> parseConfig(Map<String, String> raw) {
        return Required.keys(SCHEMA.parse(raw), "a Kubernetes Service name", "service")
                .map(v -> new Config(v.getString("service").trim(), opt(v.has("namespace") ? v.getString("namespace")
                        : null), opt(v.has("port-name") ? v.getString("port-name") : null),
                        opt(v.has("kubeconfig") ? v.getString("kubeconfig") : null), v.getString("scheme")));
    }

    private static String opt(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public ServiceDiscovery newDiscovery(Config config, DiscoveryContext context) {
        return new KubernetesDiscovery(context.service(), config);
    }
}
