package io.optiflow.lb.server.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2 hash of a password, the only form in which a generated password is kept on disk.
 *
 * @param algorithm  JCA name of the key derivation ({@value #ALGORITHM})
 * @param iterations iteration count
 * @param salt       random salt
 * @param hash       derived key
 */
public record PasswordHash(String algorithm, int iterations, byte[] salt, byte[] hash) {

    static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    // OWASP's 2023 advice for PBKDF2-HMAC-SHA256 is 600k; 310k keeps a first login under ~0.3 s on a small VM,
    // and AdminUsers caches a verified password so scrapes and probes don't pay it each time.
    static final int ITERATIONS = 310_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    public PasswordHash {
        salt = salt.clone();
        hash = hash.clone();
    }

    /** Hashes {@code password} with a fresh random salt. */
    public static PasswordHash create(char[] password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(ALGORITHM, ITERATIONS, salt, derive(ALGORITHM, password, salt, ITERATIONS));
    }

    /** Constant-time check of {@code candidate} against this hash. */
    public boolean matches(char[] candidate) {
        return MessageDigest.isEqual(hash, derive(algorithm, candidate, salt, iterations));
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    String saltBase64() {
        return Base64.getEncoder().encodeToString(salt);
    }

    String hashBase64() {
        return Base64.getEncoder().encodeToString(hash);
    }

    private static byte[] derive(String algorithm, char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive a password hash with " + algorithm, e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash p && p.algorithm.equals(algorithm) && p.iterations == iterations
                && Arrays.equals(p.salt, salt) && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "PasswordHash[" + algorithm + ", " + iterations + " iterations]";
    }
}
