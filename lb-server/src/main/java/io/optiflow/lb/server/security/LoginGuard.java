package io.optiflow.lb.server.security;

import io.quarkus.runtime.Startup;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Wrong admin logins, per client address ({@link LoginThrottle}): logs each, and answers an address that must wait
 * with {@code 429} and {@code Retry-After} before its credentials are checked, so a throttled guess costs no hashing.
 * Settings: {@code lb.admin.login.*}, checked at start-up.
 */
@Startup
@Singleton
public class LoginGuard {

    private static final Logger LOG = Logger.getLogger(LoginGuard.class);
    private static final int MAX_LOGGED_NAME = 64;

    @Inject
    AdminConfig config;

    private LoginThrottle throttle;

    @PostConstruct
    void load() {
        throttle = LoginThrottle.fromConfig(config.login(), System::nanoTime);
    }

    /** The client address of a request as the admin plane sees it (the socket peer). */
    static String address(RoutingContext rc) {
        SocketAddress a = rc == null ? null : rc.request().remoteAddress();
        return a == null ? "unknown" : a.hostAddress();
    }

    /**
     * Answers {@code 429} with {@code Retry-After} when {@code address} must still wait.
     *
     * @return whether the request was answered (the caller then checks no credentials)
     */
    boolean refuseIfWaiting(RoutingContext rc, String address) {
        long wait = throttle.waitNanos(address);
        if (wait <= 0) {
            return false;
        }
        long seconds = LoginThrottle.retryAfterSeconds(wait);
        LOG.debugf("admin login from %s refused: it must wait %d s more after wrong logins", address, seconds);
        tooMany(rc, seconds, "too many wrong logins from " + address + ": wait " + seconds
                + " s (Retry-After) before trying again");
        return true;
    }

    /** Answers {@code 429} when the password could not be checked now (too many slow checks running). */
    void refuseBusy(RoutingContext rc) {
        tooMany(rc, 1, "too many logins are being checked at once: try again in a second");
    }

    void failed(String address, String user) {
        LoginThrottle.Failure f = throttle.failed(address);
        if (f.waitNanos() == 0) {
            LOG.infof("admin login failed: wrong credentials for user '%s' from %s (%d in a row)",
                    printable(user), address, f.count());
        } else {
            LOG.warnf("admin login failed: wrong credentials for user '%s' from %s (%d in a row); logins from it"
                    + " are refused with 429 for %d s", printable(user), address, f.count(),
                    LoginThrottle.retryAfterSeconds(f.waitNanos()));
        }
    }

    void succeeded(String address, String user) {
        int before = throttle.succeeded(address);
        if (before > 0) {
            LOG.infof("admin login of user '%s' from %s succeeded after %d wrong ones", printable(user), address,
                    before);
        }
    }

    private static void tooMany(RoutingContext rc, long retryAfterSeconds, String message) {
        if (rc == null) {
            return;
        }
        HttpServerResponse r = rc.response();
        if (r.ended() || r.headWritten()) {
            return;
        }
        r.setStatusCode(429).putHeader("Retry-After", Long.toString(retryAfterSeconds))
                .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end("{\"errors\":[\"" + message + "\"]}");
    }

    /** A user name as sent, safe for one log line: control characters replaced, length capped. */
    static String printable(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(name.length(), MAX_LOGGED_NAME));
        for (int i = 0; i < name.length() && i < MAX_LOGGED_NAME; i++) {
            char c = name.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || c == '\'' ? '?' : c);
        }
        return name.length() > MAX_LOGGED_NAME ? sb + "..." : sb.toString();
    }
}
