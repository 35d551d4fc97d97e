package io.optiflow.lb.core.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The files of {@code lb.data.dir}: {@code state.json} (replaced whole: temp file, fsync, atomic rename, fsync of
 * the folder) and {@code audit.jsonl} (one JSON object a line, appended and fsynced).
 */
final class DataFolder {

    static final String STATE = "state.json";
    static final String STATE_TMP = "state.json.tmp";
    static final String AUDIT = "audit.jsonl";
    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final Path dir;
    private final ObjectMapper mapper;

    DataFolder(Path dir, ObjectMapper mapper) {
        this.dir = dir;
        this.mapper = mapper;
    }

    Path stateFile() {
        return dir.resolve(STATE);
    }

    Path auditFile() {
        return dir.resolve(AUDIT);
    }

    void create() {
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

    /** The saved state, or {@link RuntimeState#EMPTY} when there is no file. */
    RuntimeState readState() {
        Path file = stateFile();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return RuntimeState.EMPTY;
        } catch (IOException e) {
            throw new StateFileException(file, "cannot read (" + e + ")", e);
        }
        try {
            return RuntimeState.parse(mapper, bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StateFileException(file, "not valid JSON (" + e.getOriginalMessage() + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")", e);
        } catch (IOException e) {
            throw new StateFileException(file, "cannot read (" + e + ")", e);
        } catch (IllegalArgumentException e) {
            throw new StateFileException(file, e.getMessage(), e);
        }
    }

    /** Replaces {@code state.json} atomically and durably. */
    void writeState(byte[] bytes) throws IOException {
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
    void appendAudit(AuditEntry e) throws IOException {
        byte[] line = (toJsonLine(e) + "\n").getBytes(StandardCharsets.UTF_8);
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

    /** The last {@code cap} entries of {@code audit.jsonl}, oldest first; bad lines are skipped with a warning. */
    ArrayDeque<AuditEntry> readAudit(int cap) {
        ArrayDeque<AuditEntry> out = new ArrayDeque<>();
        Path file = auditFile();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read audit trail " + file + "; starting with an empty one in memory", e);
            return out;
        }
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.addLast(fromJsonLine(line));
                if (out.size() > cap) {
                    out.removeFirst();
                }
            } catch (IOException | RuntimeException ex) {
                LOG.log(Level.WARNING, file + " line " + lineNo + " skipped: not an audit entry (" + ex.getMessage()
                        + ")");
            }
        }
        return out;
    }

    String toJsonLine(AuditEntry e) {
        ObjectNode n = mapper.createObjectNode();
        n.put("at", e.at().toString());
        n.put("actor", e.actor());
        n.put("action", e.action());
        n.put("target", e.target());
        n.put("before", e.before());
        n.put("after", e.after());
        return n.toString();
    }

    AuditEntry fromJsonLine(String line) throws IOException {
        JsonNode n = mapper.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return new AuditEntry(Instant.parse(text(n, "at", true)), text(n, "actor", true), text(n, "action", true),
                text(n, "target", true), text(n, "before", false), text(n, "after", false));
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("no '" + field + "'");
            }
            return null;
        }
        return v.asText();
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
