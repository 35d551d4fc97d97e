package io.optiflow.lb.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user table as start-up builds it from config values (plain values here, no Quarkus). */
class AdminUsersTest {

    @TempDir
    Path dataDir;

    private record Config(Optional<String> password, Map<String, AdminConfig.User> users) implements AdminConfig {
        @Override
        public Login login() {
            return new LoginSettings(5, "1s", "5m", 1);
        }
    }

    record LoginSettings(int freeFailures, String firstWait, String maxWait, int maxConcurrentHashes)
            implements AdminConfig.Login {
    }

    private record User(Optional<String> password, Optional<String> role) implements AdminConfig.User {
    }

    private AdminUsers load(String adminPassword, Map<String, AdminConfig.User> users) {
        AdminUsers u = new AdminUsers();
        u.config = new Config(Optional.ofNullable(adminPassword), users);
        u.dataDir = dataDir.toString();
        u.load();
        return u;
    }

    private static Map<String, AdminConfig.User> user(String name, String password, String role) {
        Map<String, AdminConfig.User> m = new LinkedHashMap<>();
        m.put(name, new User(Optional.ofNullable(password), Optional.ofNullable(role)));
        return m;
    }

    @Test
    void authenticate_configuredUsers_grantsTheirRolesOnlyWithTheRightPassword() {
        AdminUsers users = load("op-pw", user("grafana", "view-pw", null));

        assertEquals(Set.of("operator", "viewer"), users.authenticate("admin", "op-pw".toCharArray()).roles());
        assertEquals(Set.of("viewer"), users.authenticate("grafana", "view-pw".toCharArray()).roles());
        assertFalse(users.authenticate("admin", "view-pw".toCharArray()).granted());
        assertFalse(users.authenticate("admin", "op-pw ".toCharArray()).granted());
        assertFalse(users.authenticate("grafana", "".toCharArray()).granted());
        assertFalse(users.authenticate("nobody", "op-pw".toCharArray()).granted());
        assertTrue(Files.notExists(CredentialsFile.path(dataDir)), "a configured password must not write a file");
    }

    @Test
    void load_noAdminPassword_generatesOnceThenReadsTheSameHash() throws Exception {
        load(null, Map.of());
        Path file = CredentialsFile.path(dataDir);
        assertTrue(Files.isRegularFile(file));
        String first = Files.readString(file);

        load(null, Map.of());
        assertEquals(first, Files.readString(file), "a later start replaced the generated credentials");
    }

    @Test
    void authenticate_generatedPassword_acceptsItAndNothingElse() throws Exception {
        char[] password = CredentialsFile.generate(CredentialsFile.path(dataDir), new SecureRandom());
        AdminUsers users = load(null, Map.of());

        assertFalse(users.authenticate("admin", "guess".toCharArray()).granted());
        assertEquals(Set.of("operator", "viewer"), users.authenticate("admin", password).roles());
        // the second time goes through the cached HMAC: still right, still refuses others
        assertEquals(Set.of("operator", "viewer"), users.authenticate("admin", password).roles());
        assertFalse(users.authenticate("admin", "guess".toCharArray()).granted());
    }

    @Test
    void load_badSettings_failsNamingEachKey() {
        Map<String, AdminConfig.User> users = new LinkedHashMap<>();
        users.putAll(user("bob", "pw", "admin"));
        users.putAll(user("carol", null, "viewer"));
        users.putAll(user("dave", " ", null));
        users.putAll(user("e/f", "pw", null));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> load("", users));
        String m = e.getMessage();
        assertTrue(m.contains("lb.admin.users.bob.role: 'admin' (expected: viewer or operator)"), m);
        assertTrue(m.contains("lb.admin.users.carol.password: missing"), m);
        assertTrue(m.contains("lb.admin.users.dave.password: blank"), m);
        assertTrue(m.contains("lb.admin.users.e/f: 'e/f' is not a usable user name"), m);
        assertTrue(m.contains("lb.admin.password: blank"), m);
    }

    @Test
    void load_adminAmongUsers_failsPointingToLbAdminPassword() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> load("pw", user("admin", "other", "operator")));
        assertTrue(e.getMessage().contains("lb.admin.users.admin.*"), e.getMessage());
    }

    @Test
    void load_corruptCredentialsFile_failsNamingIt() throws Exception {
        Files.writeString(CredentialsFile.path(dataDir), "garbage");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> load(null, Map.of()));
        assertTrue(e.getMessage().contains(CredentialsFile.path(dataDir).toAbsolutePath().toString()),
                e.getMessage());
        assertEquals("garbage", Files.readString(CredentialsFile.path(dataDir)));
    }

    @Test
    void authenticate_allSlowChecksInUse_answersBusyWithoutChecking() throws Exception {
        char[] password = CredentialsFile.generate(CredentialsFile.path(dataDir), new SecureRandom());
        AdminUsers users = load(null, Map.of());
        users.slowChecks().acquire(); // the one permit (max-concurrent-hashes=1) held by another check

        AdminUsers.Login busy = users.authenticate("admin", password);
        assertTrue(busy.busy(), "a check beyond the limit must be refused, not queued");
        assertFalse(busy.granted());
        assertFalse(users.authenticate("nobody", "x".toCharArray()).busy(), "an unknown user needs no slow check");

        users.slowChecks().release();
        assertEquals(Set.of("operator", "viewer"), users.authenticate("admin", password).roles());
        users.slowChecks().acquire();
        // once verified, the right password is checked by its cheap HMAC: no slow check, never busy
        assertEquals(Set.of("operator", "viewer"), users.authenticate("admin", password).roles());
        assertTrue(users.authenticate("admin", "guess".toCharArray()).busy());
    }
}
