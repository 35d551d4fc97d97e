package io.optiflow.lb.server.accesslog;

import io.netty.util.internal.PlatformDependent;
import io.optiflow.lb.server.config.AccessLogSettings;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * The access log: event loops {@link #offer} finished requests to a bounded lock-free queue (Netty's copy of JCTools'
 * MPSC array queue) and go on; one daemon thread formats them ({@link AccessLogLine}) and writes them, whole lines
 * per write, to the file (opened for appending) or standard output. A full queue drops the record and counts it
 * ({@link #dropped}); an event loop never waits for the writer and never wakes it (no system call per request): the
 * writer polls, and when it finds the queue empty it flushes and sleeps 1 ms, doubling up to
 * {@value #MAX_IDLE_MILLIS} ms while nothing comes. {@link #close} writes what is queued and closes the file.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AccessLog.class);
    private static final int BUFFER = 64 * 1024;
    static final long MAX_IDLE_MILLIS = 16;
    private static final long WRITE_ERROR_LOG_EVERY_NANOS = 60_000_000_000L;

    private final Queue<AccessRecord> queue;
    private final OutputStream out;
    private final boolean stdout;
    private final String where;
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean closing;
    /** When a write error was last logged (writer thread); errors are logged at most once a minute. */
    private long lastWriteErrorNanos;
    private boolean writeErrorLogged;

    private AccessLog(AccessLogSettings settings, OutputStream target) {
        this.queue = PlatformDependent.newFixedMpscQueue(settings.queue());
        this.stdout = settings.path() == null;
        this.where = stdout ? "standard output" : settings.path().toString();
        this.out = new BufferedOutputStream(target, BUFFER);
        this.writer = new Thread(this::run, "lb-access-log");
        this.writer.setDaemon(true);
    }

    /**
     * Opens the file (appending; created if missing) or standard output, and starts the writer.
     *
     * @throws IOException when the file cannot be opened for appending
     */
    public static AccessLog open(AccessLogSettings settings) throws IOException {
        OutputStream target = settings.path() == null ? new FileOutputStream(FileDescriptor.out)
                : Files.newOutputStream(settings.path(), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
        AccessLog log = new AccessLog(settings, target);
        log.writer.start();
        return log;
    }

    /** Where the lines go: the file's path, or "standard output". */
    public String where() {
        return where;
    }

    /** Hands a finished request to the writer; never blocks. Any thread. */
    public void offer(AccessRecord r) {
        if (!queue.offer(r)) {
            dropped.increment();
        }
    }

    /** Records not written since start: the queue was full, or writing failed. */
    public long dropped() {
        return dropped.sum();
    }

    /** Stops the writer once it has written what is queued (at most {@code timeout}), then closes the file. */
    public void close(Duration timeout) {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warnf("Access log: the writer did not finish within %d ms; lines still queued are lost",
                    timeout.toMillis());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private void run() {
        StringBuilder line = new StringBuilder(512);
        byte[] bytes = new byte[1024];
        long offset = epochOffset();
        long idleMillis = 1;
        try {
            while (true) {
                AccessRecord r = queue.poll();
                if (r == null) {
                    flush();
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    LockSupport.parkNanos(this, idleMillis * 1_000_000L);
                    idleMillis = Math.min(MAX_IDLE_MILLIS, idleMillis * 2);
                    offset = epochOffset(); // once per batch: follows the wall clock if it is set
                    continue;
                }
                idleMillis = 1;
                line.setLength(0);
                AccessLogLine.append(line, r, r.headNanos + offset);
                line.append('\n');
                bytes = ascii(line, bytes);
                write(bytes, line.length());
            }
        } finally {
            flush();
            if (!stdout) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.errorf("Access log: closing %s failed: %s", where, e.getMessage());
                }
            }
        }
    }

    /** Wall-clock nanoseconds minus {@link System#nanoTime}: records carry the latter (one cheap clock read). */
    private static long epochOffset() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    /** The line's characters (ASCII only, {@link AccessLogLine}) as bytes, in {@code into} or a larger array. */
    private static byte[] ascii(StringBuilder line, byte[] into) {
        byte[] b = into.length >= line.length() ? into : new byte[Math.max(line.length(), into.length * 2)];
        for (int i = 0; i < line.length(); i++) {
            b[i] = (byte) line.charAt(i);
        }
        return b;
    }

    /** One whole line: the buffer writes only whole lines, so lines on standard output never mix with others. */
    private void write(byte[] b, int n) {
        try {
            out.write(b, 0, n);
        } catch (IOException e) {
            dropped.increment();
            writeError(e);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            writeError(e);
        }
    }

    private void writeError(IOException e) {
        long now = System.nanoTime();
        if (!writeErrorLogged || now - lastWriteErrorNanos > WRITE_ERROR_LOG_EVERY_NANOS) {
            writeErrorLogged = true;
            lastWriteErrorNanos = now;
            LOG.errorf("Access log: writing to %s failed: %s (lines are dropped and counted in"
                    + " lb_access_log_dropped_total until it works again)", where, e.getMessage());
        }
    }
}
