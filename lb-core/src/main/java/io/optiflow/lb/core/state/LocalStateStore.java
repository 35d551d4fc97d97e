package io.optiflow.lb.core.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of {@code lb.data.dir}: {@code state.json} (replaced whole: temp file, fsync, atomic rename, fsync of
 * the folder) and {@code audit.jsonl} (one JSON object a line, appended and fsynced). One replica: the version is a
 * counter in memory, and a compare-and-set can't lose because the control plane is the only writer.
 */
public final class LocalStateStore implements StateStore {

    static final String STATE = "state.json";
    static final String STATE_TMP = "state.json.tmp";
    static final String AUDIT = "audit.jsonl";
    private static final System.Logger LOG = System.getLogger(LocalStateStore.class.getName());

    private final Path dir;
    private final StoreContext context;
    private final Object writeLock = new Object();
    private long version; // guarded by writeLock
    private byte[] written; // guarded by writeLock: what state.json holds, to restore after a failed audit write
    private volatile long revision;

    LocalStateStore(StoreContext context) {
        this.context = context;
        this.dir = context.dataDir();
        create();
    }

    @Override
    public String name() {
        return LocalStateStoreProvider.NAME;
    }

    @Override
    public String describe() {
        return "data folder " + dir.toAbsolutePath();
    }

    @Override
    public boolean isShared() {
        return false;
    }

    public Path stateFile() {
        return dir.resolve(STATE);
    }

    public Path auditFile() {
        return dir.resolve(AUDIT);
    }

    private void create() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data folder " + dir.toAbsolutePath(), e);
        }
        Path tmp = dir.resolve(STATE_TMP);
        try {
            if (Files.isRegularFile(tmp) && Files.deleteIfExists(tmp)) {
                // a crash between writing and renaming: the rename never happened, so state.json is the truth
                LOG.log(Level.WARNING, "removed " + tmp + " left by an interrupted write; " + STATE + " is intact");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove leftover " + tmp, e);
        }
    }

    /** @throws UncheckedIOException when the file exists but can't be read */
    @Override
    public StoredState read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(stateFile());
        } catch (NoSuchFileException e) {
            return StoredState.ABSENT;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stateFile().toAbsolutePath() + " (" + e + ")", e);
        }
        synchronized (writeLock) {
            written = bytes;
            return new StoredState(bytes, Long.toString(version));
        }
    }

    @Override
    public String write(String expectedVersion, byte[] document, String auditLine) {
        synchronized (writeLock) {
            try {
                writeState(document);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot save runtime state to " + stateFile().toAbsolutePath()
                        + " (" + e + ")", e);
            }
            try {
                appendAudit(auditLine);
            } catch (IOException | RuntimeException e) {
                restore(e);
                throw new IllegalStateException("cannot append to audit trail " + auditFile().toAbsolutePath()
                        + " (" + e + ")", e);
            }
            written = document;
            version++;
            return Long.toString(version);
        }
    }

    private void restore(Exception failure) {
        try {
            if (written == null) {
                Files.deleteIfExists(stateFile());
            } else {
                writeState(written);
            }
        } catch (IOException | RuntimeException e2) {
            failure.addSuppressed(e2);
            LOG.log(Level.ERROR, "cannot restore " + stateFile() + " after a failed audit write", e2);
        }
    }

    /** Replaces {@code state.json} atomically and durably. */
    private void writeState(byte[] bytes) throws IOException {
        Path tmp = dir.resolve(STATE_TMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true); // the content is on disk before the rename makes it visible
        }
        Files.move(tmp, stateFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDir(); // the rename itself is durable
    }

    /** Appends one audit line and fsyncs it. */
    private void appendAudit(String auditLine) throws IOException {
        byte[] line = (auditLine + "\n").getBytes(StandardCharsets.UTF_8);
        boolean created = !Files.exists(auditFile());
        try (FileChannel ch = FileChannel.open(auditFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        if (created) {
            syncDir();
        }
    }

    /** The last {@code limit} non-blank lines of {@code audit.jsonl}, oldest first. */
    @Override
    public List<String> auditLines(int limit) {
        ArrayDeque<String> out = new ArrayDeque<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(auditFile(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read audit trail " + auditFile() + "; starting with an empty one in memory",
                    e);
            return List.of();
        }
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            out.addLast(line);
            if (out.size() > limit) {
                out.removeFirst();
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public void watch(StoreListener listener) {
        // one replica: nobody else writes
    }

    @Override
    public void heartbeat(long appliedRevision) {
        revision = appliedRevision;
    }

    @Override
    public List<ReplicaStatus> replicas() {
        return List.of(new ReplicaStatus(context.replica().id(), context.replica().address(),
                context.clock().instant(), revision));
    }

    @Override
    public void forget(String replicaId) {
        // only this replica is listed
    }

    @Override
    public void close() {
        // nothing held open
    }

    private void syncDir() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a folder for fsync; the rename is still atomic there
            LOG.log(Level.DEBUG, "cannot fsync folder " + dir, e);
        }
    }
}
