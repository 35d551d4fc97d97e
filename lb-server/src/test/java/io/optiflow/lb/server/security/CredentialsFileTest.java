package io.optiflow.lb.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsFileTest {

    @TempDir
    Path dir;

    @Test
    void generate_firstStart_writesOnlyASaltedHashWithMode600() throws Exception {
        Path file = CredentialsFile.path(dir.resolve("data"));
        char[] password = CredentialsFile.generate(file, new SecureRandom());

        assertEquals(24, password.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String text = Files.readString(file);
        assertFalse(text.contains(new String(password)), "the file holds the password itself");
        PasswordHash hash = CredentialsFile.read(file);
        assertTrue(hash.matches(password));
        assertFalse(hash.matches("not-the-password".toCharArray()));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "a temp file was left behind");
        }
    }

    @Test
    void generate_twice_givesDifferentPasswordsAndSalts() throws Exception {
        char[] first = CredentialsFile.generate(dir.resolve("a"), new SecureRandom());
        char[] second = CredentialsFile.generate(dir.resolve("b"), new SecureRandom());
        assertFalse(new String(first).equals(new String(second)));
        assertFalse(Files.readString(dir.resolve("a")).lines().filter(l -> l.startsWith("salt="))
                .toList().equals(Files.readString(dir.resolve("b")).lines().filter(l -> l.startsWith("salt="))
                        .toList()));
    }

    @Test
    void read_corruptFile_failsNamingTheFileAndTheProblem() throws Exception {
        Path file = dir.resolve("admin-credentials");
        Files.writeString(file, "algorithm=PBKDF2WithHmacSHA256\niterations=ten\nsalt=AAAA\nhash=AAAA\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CredentialsFile.read(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("iterations is 'ten'"), e.getMessage());

        Files.writeString(file, "algorithm=MD5\niterations=1\nsalt=AAAA\nhash=AAAA\n");
        e = assertThrows(IllegalStateException.class, () -> CredentialsFile.read(file));
        assertTrue(e.getMessage().contains("algorithm is 'MD5'"), e.getMessage());

        Files.writeString(file, "algorithm=PBKDF2WithHmacSHA256\niterations=1\nsalt=%%%\nhash=AAAA\n");
        e = assertThrows(IllegalStateException.class, () -> CredentialsFile.read(file));
        assertTrue(e.getMessage().contains("salt is '%%%'"), e.getMessage());
    }
}
