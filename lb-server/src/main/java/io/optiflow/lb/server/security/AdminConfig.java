package io.optiflow.lb.server.security;

import io.smallrye.config.ConfigMapping;
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

    /** One more user. */
    interface User {
        /** Required. */
        Optional<String> password();

        /** {@code viewer} (default) or {@code operator}. */
        Optional<String> role();
    }
}
