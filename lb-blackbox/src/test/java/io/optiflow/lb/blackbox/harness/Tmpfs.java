package io.optiflow.lb.blackbox.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test (a filesystem that fills up on purpose). Needs root; where that or the mount
 * is not possible, the test is skipped with the reason.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path path;

    private Tmpfs(Path path) {
        this.path = path;
    }

    /** Why a tmpfs cannot be mounted here, or null when it can be tried. */
    public static String unavailableReason(Path dir) {
        String user = System.getProperty("user.name");
        if (!"root".equals(user)) {
            return "mounting a small tmpfs needs root (running as '" + user + "'); .ci/run runs as root";
        }
        if (!Files.isExecutable(Path.of("/bin/mount")) && !Files.isExecutable(Path.of("/usr/bin/mount"))) {
            return "no mount command";
        }
        return null;
    }

    /** Mounts a tmpfs of {@code size} (such as {@code 4m}) on {@code dir}; skips the test if the mount fails. */
    public static Tmpfs mount(Path dir, String size) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs",
                dir.toString()));
        Assumptions.assumeTrue(out == null, () -> "skipped: cannot mount a tmpfs on " + dir + ": " + out);
        return new Tmpfs(dir);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        String out = run(List.of("umount", path.toString()));
        if (out != null) {
            run(List.of("umount", "-l", path.toString())); // still busy: detach now, freed when the last file closes
        }
    }

    /** Runs a command; null when it succeeded, else its output and exit code. */
    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + ": no answer within 20 s";
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? null : String.join(" ", cmd) + " exited " + p.exitValue() + ": " + output;
        } catch (IOException e) {
            return String.join(" ", cmd) + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
