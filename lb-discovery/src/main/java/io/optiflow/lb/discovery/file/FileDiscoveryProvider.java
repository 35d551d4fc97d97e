package io.optiflow.lb.discovery.file;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.discovery.DiscoveryContext;
import io.optiflow.lb.discovery.DiscoveryProvider;
import io.optiflow.lb.discovery.Required;
import io.optiflow.lb.discovery.ServiceDiscovery;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code file}: a JSON or YAML file holding a list of {@code {"url": "http://h:p", "weight": 2}} (weight optional),
 * watched by polling its content. A change is applied once the file has been read the same twice in a row (so a
 * file being written is not taken half-way), well within 2 s; a file that does not parse keeps the last good set.
 */
public final class FileDiscoveryProvider implements DiscoveryProvider<FileDiscoveryProvider.Config> {

    public static final String TYPE = "file";

    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .stringAttribute("path", null, "The JSON or YAML file: a list of {url, weight} (weight optional),"
                    + " or an object with such a list under 'backends'.")
            .durationAttribute("poll", "250ms", "10ms", "10s", "How often the file is read; a change applies after"
                    + " two equal reads in a row (at most 2 x poll + parse time).")
            .build();

    /** @param path the file; @param pollNanos time between reads */
    record Config(Path path, long pollNanos) {
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
        return Required.keys(SCHEMA.parse(raw), "a file path such as /etc/lb/api-backends.yaml", "path")
                .map(v -> new Config(Path.of(v.getString("path").trim()), v.getDurationNanos("poll")));
    }

    @Override
    public ServiceDiscovery newDiscovery(Config config, DiscoveryContext context) {
        return new FileDiscovery(context.service(), config.path(), config.pollNanos());
    }
}
