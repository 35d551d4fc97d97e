package io.optiflow.lb.blackbox.harness;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What one test class starts (servers, backends) and the folder their files live in, closed together: the last
 * started first, then the folder removed. Use it from {@code @BeforeAll} / {@code @AfterAll}.
 */
public final class Fixture implements AutoCloseable {

    private final Path root;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    private Fixture(Path root) {
        this.root = root;
    }

    /** A fixture with a fresh temp folder named after {@code name}. */
    public static Fixture create(String name) {
        return new Fixture(TempDirs.create(name));
    }

    public Path root() {
        return root;
    }

    /** Keeps {@code thing} to close with the fixture; returns it. */
    public <T extends AutoCloseable> T add(T thing) {
        started.push(thing);
        return thing;
    }

    /** A plain {@link ScriptedBackend}, closed with the fixture. */
    public ScriptedBackend backend() {
        return add(ScriptedBackend.start());
    }

    /** Builds a server whose files live in this fixture's folder; {@link #add} what it starts. */
    public LbProcess.Builder server() {
        return LbProcess.builder(root);
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                // closing the rest anyway
            }
        }
        TempDirs.delete(root);
    }
}
