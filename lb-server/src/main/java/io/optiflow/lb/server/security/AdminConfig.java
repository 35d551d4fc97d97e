package io.optiflow.lb.server.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code lb.admin.*} keys. A mapping of its own (next to the proxy's {@code lb} root) so these keys count as
 * known, and a misspelt one ({@code lb.admin.users.bob.pasword}) stops start-up naming it.
 */
@ConfigMapping(prefix = "lb.admin")
public interface AdminConfig {

    /** Password of user {@code admin} (role operator); absent: generated at first start. */
    Optional<String> password();

    /** More users by name. */
    Map<String, User> users();

    /** Throttling of wrong logins ({@code lb.admin.login.*}). */
    Login login();

    /** One more user. */
    interface User {
        /** Required. */
        Optional<String> password();

        /** {@code viewer} (default) or {@code operator}. */
        Optional<String> role();
    }

    /** How wrong logins are slowed down; read by {@link LoginThrottle#fromConfig}. */
    interface Login {
        /** Wrong logins from one address answered with a plain 401 before the waits start. */
        @WithName("free-failures")
        @WithDefault("5")
        int freeFailures();

        /** The wait after the first wrong login beyond the free ones; doubles with each further one. */
        @WithName("first-wait")
        @WithDefault("1s")
        String firstWait();

        /** The longest wait. */
        @WithName("max-wait")
        @WithDefault("5m")
        String maxWait();

        /** Password hash checks (PBKDF2, about 0.3 s of CPU each) allowed to run at once; more get 429. */
        @WithName("max-concurrent-hashes")
        @WithDefault("2")
        int maxConcurrentHashes();
    }
}
