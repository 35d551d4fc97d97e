package io.optiflow.lb.core.control;

import java.nio.file.Path;

/** A state file in the data folder cannot be read; start-up stops, the file is left as it is. */
public final class StateFileException extends RuntimeException {

    private final Path file;

    public StateFileException(Path file, String problem, Throwable cause) {
        super("cannot read runtime state file " + file.toAbsolutePath() + ": " + problem
                + " (fix or move the file away; it is never replaced silently)", cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
