package ${package};

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import java.util.Map;

/**
 * {@code ${strategyName}}: the plug-in's public face, found by {@link java.util.ServiceLoader} through
 * {@code src/main/resources/META-INF/services/io.optiflow.lb.api.spi.StrategyProvider}.
 *
 * <p>As generated, the strategy draws two backends at random and sends the request to the one with fewer requests
 * in flight; a backend whose last request failed is passed over for {@code failure-backoff}, except for a
 * {@code probe} share of the picks, so it can show it has recovered. Replace it with your own; keep the contract.
 *
 * <p>What a provider must do:
 * <ul>
 *   <li>be the only public class of the plug-in: {@code public final}, with a public no-argument constructor, and
 *       listed in the service file;</li>
 *   <li>{@link #name()}: kebab-case ({@code [a-z][a-z0-9-]*}), and never change once released: operators type it
 *       and saved state refers to it;</li>
 *   <li>{@link #configSchema()}: every attribute with a type, a default (or {@code null} for an optional key),
 *       bounds and a description. The same schema feeds validation, the admin API, the dashboard and the
 *       docs;</li>
 *   <li>{@link #parseConfig}: parse once, at the edge, into the immutable {@link ${classPrefix}Config}; never throw;
 *       errors name the key, the value and what was expected ({@code probe: '2' (expected: ...)});</li>
 *   <li>{@link #newStrategy}: take only a config {@code parseConfig} returned, and take time and randomness from
 *       the {@link StrategyContext}, never from the JDK (ArchitectureTest checks it).</li>
 * </ul>
 *
 * <p>Threading: stateless and thread-safe; the server may call it from any thread.
 */
public final class ${classPrefix}Provider implements StrategyProvider<${classPrefix}Config> {

    /** The stable name operators use. */
    public static final String NAME = "${strategyName}";

    static final String FAILURE_BACKOFF = "failure-backoff";
    static final String PROBE = "probe";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .durationAttribute(FAILURE_BACKOFF, "5s", "0ms", "10m", "How long a backend whose last request failed"
                    + " is passed over when the other backend drawn is fine; 0ms never passes one over.")
            .doubleAttribute(PROBE, 0.05, 0.0, 1.0, "Share of the picks that go to a backend being passed over"
                    + " anyway, so it can show it has recovered (its next success clears it).")
            .build();

    /** ServiceLoader needs a public no-argument constructor. */
    public ${classPrefix}Provider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "The less loaded of two random backends, passing over one that just failed.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public ConfigResult<${classPrefix}Config> parseConfig(Map<String, String> raw) {
        // the schema checks types, bounds and unknown keys; checks across keys go in a flatMap returning
        // ConfigResult.invalid("key: 'value' (expected: ...)")
        return SCHEMA.parse(raw).map(v -> new ${classPrefix}Config(v.getDurationNanos(FAILURE_BACKOFF), v.getDouble(PROBE)));
    }

    @Override
    public Strategy newStrategy(${classPrefix}Config config, StrategyContext context) {
        return new ${classPrefix}Strategy(config, context.ticker(), context.random());
    }
}
