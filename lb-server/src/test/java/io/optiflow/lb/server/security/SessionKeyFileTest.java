package io.optiflow.lb.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.admin.TempTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionKeyFileTest {

    private final Path dir;

    SessionKeyFileTest() throws Exception {
        dir = Files.createTempDirectory("optiflow-session-key");
    }

    @AfterEach
    void cleanUp() {
        TempTree.delete(dir);
    }

    @Test
    void readOrCreate_firstThenLaterStart_makesTheKeyOnceWithMode600AndKeepsIt() throws Exception {
        Path data = dir.resolve("data"); // not there yet: made as for a first start
        String first = SessionKeyFile.readOrCreate(data, new SecureRandom());
        Path file = SessionKeyFile.path(data);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(first.length() >= SessionKeyFile.MIN_LENGTH, first.length() + " characters");
        assertEquals(first, SessionKeyFile.readOrCreate(data, new SecureRandom()), "a later start reads the same key");
        assertNotEquals(first, SessionKeyFile.readOrCreate(dir.resolve("other"), new SecureRandom()),
                "another data folder, another key");
    }

    @Test
    void readOrCreate_fileWithoutAUsableKey_refusesNamingTheFile() throws Exception {
        Path file = SessionKeyFile.path(dir);
        Files.writeString(file, "# only a comment\nshort\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SessionKeyFile.readOrCreate(dir, new SecureRandom()));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertEquals("# only a comment\nshort\n", Files.readString(file), "left as it was");
    }
}
