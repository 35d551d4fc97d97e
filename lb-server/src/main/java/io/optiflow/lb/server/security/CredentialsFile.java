package io.optiflow.lb.server.security;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Properties;

/**
 * The {@code admin-credentials} file in the data folder: the salted PBKDF2 hash of the generated password of user
 * {@code admin}. Written once (temp file with mode 600, fsync, atomic rename); never holds the password itself.
 */
final class CredentialsFile {

    static final String FILE_NAME = "admin-credentials";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 24;

    private CredentialsFile() {
    }

    static Path path(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * Reads the hash.
     *
     * @throws IllegalStateException naming the file and what is wrong with it
     */
    static PasswordHash read(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(file, "it cannot be read (" + e.getMessage() + ")");
        }
        String algorithm = p.getProperty("algorithm");
        if (!PasswordHash.ALGORITHM.equals(algorithm)) {
            throw corrupt(file, "algorithm is '" + algorithm + "' (expected: " + PasswordHash.ALGORITHM + ")");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(p.getProperty("iterations", ""));
        } catch (NumberFormatException e) {
            throw corrupt(file, "iterations is '" + p.getProperty("iterations") + "' (expected: a positive integer)");
        }
        if (iterations < 1) {
            throw corrupt(file, "iterations is " + iterations + " (expected: a positive integer)");
        }
        byte[] salt = base64(file, p, "salt");
        byte[] hash = base64(file, p, "hash");
        return new PasswordHash(algorithm, iterations, salt, hash);
    }

    /** Generates a password, writes its hash to {@code file} and returns the password (to be shown once). */
    static char[] generate(Path file, SecureRandom random) throws IOException {
        char[] password = new char[PASSWORD_LENGTH];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        PasswordHash hash = PasswordHash.create(password, random);
        String text = "# OptiFlow LB: hash of the password of user 'admin' (role operator), generated at first start on "
                + Instant.now() + ".\n"
                + "# The password itself was printed once in the log and is not stored. To choose a password, set\n"
                + "# lb.admin.password (env LB_ADMIN_PASSWORD); to generate a new one, stop the server and delete this file.\n"
                + "user=admin\nrole=operator\n"
                + "algorithm=" + hash.algorithm() + "\n"
                + "iterations=" + hash.iterations() + "\n"
                + "salt=" + hash.saltBase64() + "\n"
                + "hash=" + hash.hashBase64() + "\n";
        writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
        return password;
    }

    /** Writes {@code file} with mode 600 from its first byte, fsynced, renamed atomically (also the session key). */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        // Mode 600 from the moment the file exists: no window in which others can read the hash.
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            if (posix) {
                try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                    d.force(true); // makes the rename itself durable
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] base64(Path file, Properties p, String key) {
        String v = p.getProperty(key);
        try {
            byte[] b = v == null ? new byte[0] : Base64.getDecoder().decode(v.trim());
            if (b.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw corrupt(file, key + " is '" + v + "' (expected: non-empty base64)");
        }
    }

    private static IllegalStateException corrupt(Path file, String problem) {
        return new IllegalStateException("admin credentials file " + file.toAbsolutePath() + " is corrupt: " + problem
                + ". Fix it, or stop the server and delete it to have a new password generated and printed once,"
                + " or set lb.admin.password.");
    }
}
