package io.optiflow.lb.discovery.consul;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.ConfigValues;
import io.optiflow.lb.discovery.DiscoveryContext;
import io.optiflow.lb.discovery.DiscoveryProvider;
import io.optiflow.lb.discovery.Required;
import io.optiflow.lb.discovery.ServiceDiscovery;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * {@code consul}: the health-passing instances of a Consul service ({@code /v1/health/service/<name>?passing}),
 * optionally with a tag, followed with blocking queries (each answer carries {@code X-Consul-Index}; the next query
 * waits on it until something changes or {@code wait} passes). The service meta {@code weight} is the instance's
 * weight (Vert.x's Consul client does not expose Consul's {@code Weights}); its node name is the label {@code node}.
 */
public final class ConsulDiscoveryProvider implements DiscoveryProvider<ConsulDiscoveryProvider.Config> {

    public static final String TYPE = "consul";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .stringAttribute("address", "127.0.0.1:8500", "host:port of the Consul agent's HTTP API.")
            .stringAttribute("service", null, "The Consul service name.")
            .stringAttribute("tag", null, "Only instances with this tag.")
            .stringAttribute("token", null, "ACL token (sent as X-Consul-Token).")
            .durationAttribute("wait", "30s", "1s", "10m", "Longest a blocking query waits for a change.")
            .durationAttribute("retry", "2s", "10ms", "5m", "Pause after a failed query before the next.")
            .enumAttribute("scheme", "http", List.of("http", "https"), "Scheme of the backends.")
            .build();

    record Config(InetSocketAddress address, String service, String tag, String token, long waitNanos,
                  long retryNanos, String scheme) {
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
        return Required.keys(SCHEMA.parse(raw), "a Consul service name", "service").flatMap(ConsulDiscoveryProvider::check);
    }

    private static ConfigResult<Config> check(ConfigValues v) {
        InetSocketAddress address = Required.hostPort(v.getString("address"));
        if (address == null) {
            return ConfigResult.invalid("address: '" + v.getString("address")
                    + "' (expected: host:port of the Consul HTTP API, e.g. 127.0.0.1:8500)");
        }
        return ConfigResult.valid(new Config(address, v.getString("service").trim(),
                v.has("tag") && !v.getString("tag").isBlank() ? v.getString("tag").trim() : null,
                v.has("token") && !v.getString("token").isBlank() ? v.getString("token").trim() : null,
                v.getDurationNanos("wait"), v.getDurationNanos("retry"), v.getString("scheme")));
    }

    @Override
    public ServiceDiscovery newDiscovery(Config config, DiscoveryContext context) {
        return new ConsulDiscovery(context, config);
    }
}
