package io.optiflow.lb.discovery.dns;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.ConfigValues;
import io.optiflow.lb.discovery.DiscoveryContext;
import io.optiflow.lb.discovery.DiscoveryProvider;
import io.optiflow.lb.discovery.Required;
import io.optiflow.lb.discovery.ServiceDiscovery;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code dns}: A or AAAA records of a name (with a configured port), or SRV records (port and weight from the
 * records; only the lowest priority present is used, as RFC 2782 says). Asked every {@code refresh}, sooner when
 * the records' TTL is shorter, of the system resolver or of a chosen server.
 */
public final class DnsDiscoveryProvider implements DiscoveryProvider<DnsDiscoveryProvider.Config> {

    public static final String TYPE = "dns";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .stringAttribute("name", null, "The DNS name to resolve (for SRV e.g. _http._tcp.api.example.com).")
            .enumAttribute("record", "A", List.of("A", "AAAA", "SRV"), "Record type: A or AAAA (with 'port'), or SRV"
                    + " (port and weight from the records; targets resolved to A, else AAAA).")
            .intAttribute("port", 0, 0, 65_535, "Backend port for A/AAAA records (required for them).")
            .durationAttribute("refresh", "5s", "100ms", "1h", "Time between queries; shorter when the records'"
                    + " TTL is (never slower than the TTL; at least 1 s apart then).")
            .stringAttribute("server", null, "host:port of the DNS server to ask (IPv6 in brackets); default: the"
                    + " system resolver (/etc/resolv.conf).")
            .durationAttribute("timeout", "2s", "10ms", "1m", "Query timeout.")
            .enumAttribute("scheme", "http", List.of("http", "https"), "Scheme of the backends.")
            .build();

    /**
     * @param name         the name
     * @param record       A, AAAA or SRV
     * @param port         port for A/AAAA
     * @param refreshNanos time between queries at most
     * @param server       the server, or null for the system's
     * @param timeoutNanos query timeout
     * @param scheme       http or https
     */
    record Config(String name, String record, int port, long refreshNanos, InetSocketAddress server,
                  long timeoutNanos, String scheme) {
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
        return Required.keys(SCHEMA.parse(raw), "a DNS name such as api.internal", "name")
                .flatMap(DnsDiscoveryProvider::check);
    }

    private static ConfigResult<Config> check(ConfigValues v) {
        List<String> errors = new ArrayList<>();
        String record = v.getString("record");
        int port = v.getInt("port");
        if (!record.equals("SRV") && port == 0) {
            errors.add("port: missing (expected: the backends' port, 1..65535, for " + record + " records)");
        }
        InetSocketAddress server = null;
        if (v.has("server")) {
            server = Required.hostPort(v.getString("server"));
            if (server == null) {
                errors.add("server: '" + v.getString("server") + "' (expected: host:port, e.g. 127.0.0.1:53)");
            } else {
                server = new InetSocketAddress(server.getHostString(), server.getPort());
                if (server.isUnresolved()) {
                    errors.add("server: '" + v.getString("server") + "' (expected: a host that resolves)");
                }
            }
        }
        if (!errors.isEmpty()) {
            return ConfigResult.invalid(errors);
        }
        return ConfigResult.valid(new Config(v.getString("name").trim(), record, port, v.getDurationNanos("refresh"),
                server, v.getDurationNanos("timeout"), v.getString("scheme")));
    }

    @Override
    public ServiceDiscovery newDiscovery(Config config, DiscoveryContext context) {
        return new DnsDiscovery(context, config);
    }
}
