package io.optiflow.lb.algorithms.consistenthash;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/**
 * {@code consistent-hash}: requests with the same {@link io.optiflow.lb.api.RequestContext#hashKey()} go to the
 * same backend (a ring of virtual nodes, weight-aware), with bounded loads (Mirrokni, Thorup, Zadimoghaddam,
 * "Consistent Hashing with Bounded Loads", 2016): a backend whose in-flight requests would exceed
 * {@code ceil(load-factor * its fair share of the in-flight requests)} is skipped, walking clockwise. When a
 * backend leaves, only its keys move.
 *
 * <p>Stateless and thread-safe, like every provider.
 */
public final class ConsistentHashProvider implements StrategyProvider<ConsistentHashConfig> {

    /** The stable name operators use. */
    public static final String NAME = "consistent-hash";

    static final int DEFAULT_REPLICAS = 160;
    static final double DEFAULT_LOAD_FACTOR = 1.25;
    static final int DEFAULT_MAX_RING_SIZE = 262_144;

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .intAttribute("replicas", DEFAULT_REPLICAS, 1, 1024,
                    "Points on the hash ring per unit of backend weight; more points spread keys more evenly.")
            .doubleAttribute("load-factor", DEFAULT_LOAD_FACTOR, 1.0, 100.0,
                    "Bounded load: a backend whose in-flight requests would exceed ceil(load-factor x its fair share"
                            + " of all in-flight requests) is skipped for the next backend clockwise. 1 balances"
                            + " hardest; large values keep keys sticky under load. Read to three decimals.")
            .intAttribute("max-ring-size", DEFAULT_MAX_RING_SIZE, 1024, 8_388_608,
                    "Cap on the total number of ring points (memory: 12 bytes each); above it every backend gets"
                            + " proportionally fewer points, at least one.")
            .build();

    /** ServiceLoader needs a public no-argument constructor. */
    public ConsistentHashProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Sticky by request hash key (ring of virtual nodes, weight-aware) with bounded loads;"
                + " a leaving backend moves only its own keys.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public ConfigResult<ConsistentHashConfig> parseConfig(Map<String, String> raw) {
        return SCHEMA.parse(raw).map(v -> new ConsistentHashConfig(
                v.getInt("replicas"), v.getDouble("load-factor"), v.getInt("max-ring-size")));
    }

    @Override
    public Strategy newStrategy(ConsistentHashConfig config, StrategyContext context) {
        return new ConsistentHashStrategy(config);
    }
}
