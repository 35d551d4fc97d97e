package io.optiflow.lb.core.control;

import java.nio.file.Path;

/**
 * The stored runtime state cannot be read (a state file in the data folder, or the document in a shared store);
 * start-up stops, the state is left as it is.
 */
public final class StateFileException extends RuntimeException {

    private final Path file;

    public StateFileException(Path file, String problem, Throwable cause) {
        super("cannot read runtime state file " + file.toAbsolutePath() + ": " + problem
                + " (fix or move the file away; it is never replaced silently)", cause);
        this.file = file;
    }

    /** @param where the store and key, e.g. {@code etcd key /optiflow/state at http://10.0.0.1:2379} */
    public StateFileException(String where, String problem, Throwable cause) {
        super("cannot read the runtime state in " + where + ": " + problem
                + " (fix or delete it; it is never replaced silently)", cause);
        this.file = null;
    }

    /** The file, or null when the state is in a shared store. */
    public Path file() {
        return file;
    }
}
