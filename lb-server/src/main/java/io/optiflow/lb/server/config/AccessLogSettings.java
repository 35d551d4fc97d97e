package io.optiflow.lb.server.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The access log's settings, checked (docs/configuration.md, "Access log").
 *
 * @param enabled whether a line is written per finished request
 * @param path    the file the lines are appended to; null for standard output
 * @param queue   records that may wait for the writer; more are dropped and counted
 */
public record AccessLogSettings(boolean enabled, Path path, int queue) {

    /** The value of {@code lb.access-log.path} that means standard output. */
    public static final String STDOUT = "-";
    public static final AccessLogSettings OFF = new AccessLogSettings(false, null, 65_536);

    private static final int MIN_QUEUE = 16;
    private static final int MAX_QUEUE = 1 << 24;

    /**
     * Checks {@code lb.access-log.*}; only when the log is enabled (the keys of a log that is off are not used).
     *
     * @throws InvalidConfigException naming every bad key
     */
    public static AccessLogSettings from(LbConfig config) {
        LbConfig.AccessLog a = config.accessLog();
        if (!a.enabled()) {
            return OFF;
        }
        List<String> errors = new ArrayList<>();
        if (a.queue() < MIN_QUEUE || a.queue() > MAX_QUEUE) {
            errors.add("lb.access-log.queue: " + a.queue() + " (expected: " + MIN_QUEUE + ".." + MAX_QUEUE + ")");
        }
        Path path = path(a.path().trim(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
        return new AccessLogSettings(true, path, a.queue());
    }

    /** The file to append to (null: standard output), if its folder exists and it can be written. */
    private static Path path(String text, List<String> errors) {
        if (text.equals(STDOUT)) {
            return null;
        }
        String key = "lb.access-log.path: '" + text + "'";
        if (text.isEmpty()) {
            errors.add(key + " (expected: a file to append to, or - for standard output)");
            return null;
        }
        Path file;
        try {
            file = Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            errors.add(key + " (expected: a file path; " + e.getReason() + ")");
            return null;
        }
        Path folder = file.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            errors.add(key + " (expected: a file in an existing folder; folder '" + folder + "' does not exist)");
        } else if (Files.isDirectory(file)) {
            errors.add(key + " (expected: a file to append to; it is a folder)");
        } else if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(folder)) {
            errors.add(key + " (expected: a file this process may write; "
                    + (Files.exists(file) ? "the file" : "folder '" + folder + "'") + " is not writable)");
        }
        return file;
    }
}
