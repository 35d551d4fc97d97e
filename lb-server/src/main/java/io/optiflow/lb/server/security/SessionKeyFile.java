package io.optiflow.lb.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * The {@code session-key} file in the data folder: the key that encrypts the dashboard's login cookies. Made once
 * (256 random bits, mode 600) and kept, so a logged-in dashboard stays logged in across a restart; it is never
 * logged. Deleting it (server stopped) ends every session.
 */
final class SessionKeyFile {

    static final String FILE_NAME = "session-key";
    /** Quarkus wants more than 16 characters; 32 random bytes in base64 are 44. */
    static final int MIN_LENGTH = 32;

    private SessionKeyFile() {
    }

    static Path path(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * The key kept in {@code dataDir}, made and written first if there is none.
     *
     * @throws IOException           if the folder or file cannot be written or read
     * @throws IllegalStateException naming the file when it holds no usable key
     */
    static String readOrCreate(Path dataDir, SecureRandom random) throws IOException {
        Path file = path(dataDir);
        if (!Files.exists(file)) {
            String key = newKey(random);
            CredentialsFile.writeAtomically(file, ("# OptiFlow LB: the key that encrypts the dashboard's login cookies,"
                    + " made at first start on " + Instant.now() + ".\n# Keep it secret. Stop the server and delete"
                    + " this file to end every dashboard session; or set quarkus.http.auth.session.encryption-key.\n"
                    + key + "\n").getBytes(StandardCharsets.UTF_8));
            return key;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                if (t.length() < MIN_LENGTH) {
                    break;
                }
                return t;
            }
        }
        throw new IllegalStateException("session key file " + file.toAbsolutePath() + " holds no key of at least "
                + MIN_LENGTH + " characters. Stop the server and delete it to have a new one made (every dashboard"
                + " session ends), or set quarkus.http.auth.session.encryption-key.");
    }

    /** A fresh key: 256 random bits in base64. */
    static String newKey(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
