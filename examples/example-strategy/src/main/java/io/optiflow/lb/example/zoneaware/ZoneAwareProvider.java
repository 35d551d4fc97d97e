package io.optiflow.lb.example.zoneaware;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/**
 * {@code zone-aware}: round robin over the backends whose label (by default {@code zone}) equals the configured
 * zone, falling back to round robin over all backends when none of them is in that zone. Keeps traffic inside a
 * zone (cheaper, faster) without failing when the zone is empty.
 *
 * <p>This is the example plug-in of the contributor guide ({@code docs/writing-a-strategy.md}): it depends on
 * {@code lb-api} alone. Stateless and thread-safe, like every provider.
 */
public final class ZoneAwareProvider implements StrategyProvider<ZoneAwareConfig> {

    /** The stable name operators use. */
    public static final String NAME = "zone-aware";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .stringAttribute("zone", null,
                    "The zone to keep traffic in; left out, every backend is used.")
            .stringAttribute("label", "zone",
                    "The backend label that holds a backend's zone.")
            .build();

    /** ServiceLoader needs a public no-argument constructor. */
    public ZoneAwareProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Round robin over the backends in the configured zone; all backends when the zone has none.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public ConfigResult<ZoneAwareConfig> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).flatMap(v -> {
            String zone = v.has("zone") ? v.getString("zone").trim() : null;
            String label = v.getString("label").trim();
            if (v.has("zone") && zone.isEmpty()) {
                return ConfigResult.invalid("zone: '" + v.getString("zone")
                        + "' (expected: a zone name, or leave the key out to use every backend)");
            }
            if (label.isEmpty()) {
                return ConfigResult.invalid("label: '" + v.getString("label")
                        + "' (expected: a label name such as zone)");
            }
            return ConfigResult.valid(new ZoneAwareConfig(zone, label));
        });
    }

    @Override
    public Strategy newStrategy(ZoneAwareConfig config, StrategyContext context) {
        return new ZoneAwareStrategy(config);
    }
}
