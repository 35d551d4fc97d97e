package io.optiflow.lb.server.security;

import io.quarkus.runtime.ExecutionMode;
import io.quarkus.runtime.ExecutionModeManager;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

/**
 * Supplies {@code quarkus.http.auth.session.encryption-key} from the data folder's {@link SessionKeyFile} when it
 * is not configured. Without it Quarkus makes a temporary key at the first form login and writes that key into
 * the log (a secret in the log, and every session lost at each restart). A configured key wins: this source has a
 * lower ordinal than application.properties, environment and system properties, and makes no file then. Runs when
 * the runtime configuration is built at start-up (registered in
 * {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}), never while the app is packaged.
 */
public final class SessionKeyConfigSourceFactory implements ConfigSourceFactory {

    static final String KEY = "quarkus.http.auth.session.encryption-key";
    private static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // Quarkus also builds its configuration while it packages the app, and records the runtime values it sees
        // then into the JAR: a key made then would be baked into every copy of the build. Only at runtime, then.
        if (ExecutionModeManager.getExecutionMode() != ExecutionMode.RUNTIME_INIT || present(context.getValue(KEY))) {
            return List.of();
        }
        ConfigValue dir = context.getValue("lb.data.dir");
        Path dataDir = Path.of(present(dir) ? dir.getValue() : "data");
        String key;
        try {
            key = SessionKeyFile.readOrCreate(dataDir, new SecureRandom());
        } catch (IOException e) {
            // Still no key in the log; the cost is that sessions end when the server stops.
            // (the logger only here: touching logging while Quarkus packages the app upsets its log manager)
            Logger.getLogger(SessionKeyConfigSourceFactory.class).warnf("Cannot keep the dashboard's session key in"
                    + " %s (%s): using a key for this run only, so dashboard sessions end at restart (expected: a"
                    + " writable data folder, lb.data.dir; or set %s)",
                    SessionKeyFile.path(dataDir).toAbsolutePath(), e.toString(), KEY);
            key = SessionKeyFile.newKey(new SecureRandom());
        }
        return List.of(new PropertiesConfigSource(Map.of(KEY, key), "optiflow-session-key", ORDINAL));
    }

    private static boolean present(ConfigValue v) {
        return v != null && v.getValue() != null && !v.getValue().isBlank();
    }
}
