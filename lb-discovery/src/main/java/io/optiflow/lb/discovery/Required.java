package io.optiflow.lb.discovery;

import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigValues;
import java.util.List;

/** Checks shared by providers' config parsing. */
public final class Required {

    private Required() {
    }

    /** {@code values} with {@code keys} present and non-blank, or the errors naming each missing one. */
    public static ConfigResult<ConfigValues> keys(ConfigResult<ConfigValues> values, String expected,
                                                 String... keys) {
        if (!values.isValid()) {
            return values;
        }
        List<String> errors = new java.util.ArrayList<>();
        for (String k : keys) {
            if (!values.config().has(k) || values.config().getString(k).isBlank()) {
                errors.add(k + ": missing (expected: " + expected + ")");
            }
        }
        return errors.isEmpty() ? values : ConfigResult.invalid(errors);
    }

    /** Parses {@code host:port} (IPv6 in brackets); null when malformed. */
    public static java.net.InetSocketAddress hostPort(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            return null;
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null;
        }
        try {
            int port = Integer.parseInt(t.substring(colon + 1));
            return port < 1 || port > 65_535 ? null : java.net.InetSocketAddress.createUnresolved(host, port);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
