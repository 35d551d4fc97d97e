package io.optiflow.lb.server.security;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The admin users, read once at start-up:
 * <ul>
 *   <li>{@code admin} (role operator): password from {@code lb.admin.password}; when that is not set, from the
 *       {@code admin-credentials} file in the data folder, which is generated (and the password printed once) at
 *       first start. There is no default password.</li>
 *   <li>{@code lb.admin.users.<name>.password} and {@code .role} ({@code viewer} or {@code operator}, default
 *       viewer): more users.</li>
 * </ul>
 * Bad settings stop start-up with a message naming the key.
 *
 * <p>At most {@code lb.admin.login.max-concurrent-hashes} PBKDF2 checks run at once; a login that would need one
 * more is not checked but answered {@link Login#BUSY}, so wrong guesses cannot tie up the admin plane's threads.
 */
@Startup
@Singleton
public class AdminUsers {

    private static final Logger LOG = Logger.getLogger(AdminUsers.class);
    static final String ADMIN = "admin";
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    @Inject
    AdminConfig config;

    @ConfigProperty(name = "lb.data.dir", defaultValue = "data")
    String dataDir;

    private final SecureRandom random = new SecureRandom();
    private final byte[] macKey = new byte[32];
    private Map<String, User> users = Map.of();
    private User dummy;
    private String adminSource = "";
    private Semaphore slowChecks = new Semaphore(1);

    /**
     * What a login check found: the user's roles when the password is right; none when it is wrong; none and
     * {@code busy} when it was not checked because too many slow checks were running.
     */
    public record Login(Set<String> roles, boolean busy) {
        static final Login WRONG = new Login(Set.of(), false);
        static final Login BUSY = new Login(Set.of(), true);

        public boolean granted() {
            return !roles.isEmpty();
        }
    }

    /** One user: roles and how the password is checked. */
    private static final class User {
        final String name;
        final Set<String> roles;
        final PasswordHash slowHash; // null when the password came from config
        // HMAC of the password under a per-process key: constant-time and cheap, so probes and scrapes stay fast.
        final AtomicReference<byte[]> fastHash;

        User(String name, Set<String> roles, PasswordHash slowHash, byte[] fastHash) {
            this.name = name;
            this.roles = roles;
            this.slowHash = slowHash;
            this.fastHash = new AtomicReference<>(fastHash);
        }
    }

    @PostConstruct
    void load() {
        random.nextBytes(macKey);
        dummy = new User("", Set.of(), null, mac("not a password".toCharArray()));
        Map<String, User> found = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        readConfiguredUsers(found, errors);
        Optional<String> adminPassword = config.password();
        if (found.containsKey(ADMIN)) {
            errors.add("lb.admin.users.admin.*: user 'admin' is set by lb.admin.password (expected: another user"
                    + " name under lb.admin.users, or lb.admin.password for admin)");
        } else if (adminPassword.isPresent()) {
            if (adminPassword.get().isBlank()) {
                errors.add("lb.admin.password: blank (expected: a password, or leave the key out to have one"
                        + " generated at first start)");
            } else {
                found.put(ADMIN, new User(ADMIN, Roles.granted(Roles.OPERATOR), null,
                        mac(adminPassword.get().toCharArray())));
                adminSource = "set by lb.admin.password";
            }
        } else {
            found.put(ADMIN, new User(ADMIN, Roles.granted(Roles.OPERATOR), generatedAdminHash(), null));
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("admin users are misconfigured: " + String.join("; ", errors));
        }
        slowChecks = new Semaphore(Math.max(1, config.login().maxConcurrentHashes())); // checked by LoginGuard
        users = Collections.unmodifiableMap(found);
        LOG.infof("Admin plane users: %s; admin's password %s", describe(), adminSource);
    }

    private void readConfiguredUsers(Map<String, User> found, List<String> errors) {
        for (Map.Entry<String, AdminConfig.User> e : new TreeMap<>(config.users()).entrySet()) {
            String name = e.getKey();
            String key = "lb.admin.users." + name;
            String role = e.getValue().role().map(String::trim).orElse(Roles.VIEWER);
            Set<String> granted = Roles.granted(role);
            Optional<String> password = e.getValue().password();
            if (!USER_NAME.matcher(name).matches()) {
                errors.add(key + ": '" + name + "' is not a usable user name (expected: letters, digits, '.', '_'"
                        + " or '-')");
            } else if (granted == null) {
                errors.add(key + ".role: '" + role + "' (expected: viewer or operator)");
            } else if (password.isEmpty() || password.get().isBlank()) {
                errors.add(key + ".password: " + (password.isEmpty() ? "missing" : "blank")
                        + " (expected: a password for user '" + name + "')");
            } else {
                found.put(name, new User(name, granted, null, mac(password.get().toCharArray())));
            }
        }
    }

    private PasswordHash generatedAdminHash() {
        Path file = CredentialsFile.path(Path.of(dataDir));
        if (Files.exists(file)) {
            adminSource = "generated at first start, checked against its hash in " + file.toAbsolutePath()
                    + " (set lb.admin.password to choose one)";
            return CredentialsFile.read(file);
        }
        try {
            char[] password = CredentialsFile.generate(file, random);
            // Printed exactly once: later starts find the file and say where the password came from.
            LOG.warnf("%n%n    No admin password was configured, so one was generated:%n%n"
                    + "        user: admin   password: %s%n%n"
                    + "    It is shown only this once. Its salted hash is in %s (mode 600).%n"
                    + "    Set lb.admin.password (env LB_ADMIN_PASSWORD) to choose your own.%n",
                    new String(password), file.toAbsolutePath());
            adminSource = "generated at this start (printed above), its hash kept in " + file.toAbsolutePath();
            PasswordHash hash = CredentialsFile.read(file);
            Arrays.fill(password, '\0');
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin credentials file " + file.toAbsolutePath()
                    + " (expected: a writable data folder, lb.data.dir; or set lb.admin.password)", e);
        }
    }

    /**
     * Checks a login. Constant-time in the password; the first check of a generated password (and every wrong guess
     * at one) runs PBKDF2, a few hundred ms of CPU, so call it off the event loop.
     */
    public Login authenticate(String user, char[] password) {
        User u = users.get(user);
        byte[] candidate = mac(password);
        if (u == null) {
            MessageDigest.isEqual(dummy.fastHash.get(), candidate); // same work whether or not the user exists
            return Login.WRONG;
        }
        byte[] fast = u.fastHash.get();
        if (fast != null && MessageDigest.isEqual(fast, candidate)) {
            return new Login(u.roles, false);
        }
        if (u.slowHash == null) {
            return Login.WRONG;
        }
        if (!slowChecks.tryAcquire()) {
            return Login.BUSY;
        }
        try {
            if (u.slowHash.matches(password)) {
                u.fastHash.set(candidate);
                return new Login(u.roles, false);
            }
            return Login.WRONG;
        } finally {
            slowChecks.release();
        }
    }

    /** The permits of slow checks (tests hold them to see a busy answer). */
    Semaphore slowChecks() {
        return slowChecks;
    }

    /**
     * The roles of an existing user, without a password check: for a session already established by a login (the
     * dashboard's form-login cookie names the user; the user may have been removed since).
     */
    public Optional<Set<String>> roles(String user) {
        User u = user == null ? null : users.get(user);
        return u == null ? Optional.empty() : Optional.of(u.roles);
    }

    /** {@code name (roles)} of each user, for the start-up log; never a password. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        users.forEach((n, u) -> sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ')
                .append(u.roles.contains(Roles.OPERATOR) ? "(operator)" : "(viewer)"));
        return sb.toString();
    }

    private byte[] mac(char[] password) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(macKey, "HmacSHA256"));
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            byte[] out = m.doFinal(b);
            Arrays.fill(b, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
