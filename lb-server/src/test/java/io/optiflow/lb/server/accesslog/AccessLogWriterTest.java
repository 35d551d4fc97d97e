package io.optiflow.lb.server.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.config.AccessLogSettings;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The writer on a real file and thread: JSON that parses back, appending, drops counted, close drains. */
@Timeout(60)
class AccessLogWriterTest {

    @TempDir
    Path dir;

    private static AccessRecord record(String path, int status, long durationNanos, long backendNanos) {
        long head = System.nanoTime();
        AccessRecord r = new AccessRecord(head, "10.0.0.7", "GET", path, "HTTP/1.1");
        r.end(head + durationNanos, status, 5_000_000_000L, "api", "10.0.1.5:9000", 2, backendNanos);
        return r;
    }

    @Test
    void line_awkwardCharacters_parsesBackToTheSameStringsAsciiOnly() {
        String path = "/a\"b\\c\u0001d\u001f\u007f\t\r\n\u00e9\u2028\ud83d\ude00?q=\"x\"";
        StringBuilder sb = new StringBuilder();
        long epoch = Instant.parse("2026-12-07T10:15:30.120Z").toEpochMilli() * 1_000_000L + 999_999;
        AccessLogLine.append(sb, record(path, 200, 1_234_567, 1_000_999), epoch);
        String line = sb.toString();
        assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), line);
        JsonObject j = new JsonObject(line);
        assertEquals(path, j.getString("path"));
        assertEquals("2026-12-07T10:15:30.120Z", j.getString("time"), "milliseconds, not rounded up");
        assertTrue(line.contains("\"duration_ms\":1.234,\"backend_ms\":1.000}"), line);
        assertEquals(2, j.getInteger("attempts"));
        assertEquals(5_000_000_000L, j.getLong("bytes"), "a body past 2 GiB: a long");
    }

    @Test
    void line_noBackendAttempt_backendMsNullAndSmallDurationPadded() {
        StringBuilder sb = new StringBuilder();
        AccessRecord r = new AccessRecord(0, "::1", null, null, null);
        r.end(5_000, 400, 17, null, null, 0, -1);
        AccessLogLine.append(sb, r, 0);
        assertEquals("{\"time\":\"1970-01-01T00:00:00.000Z\",\"client\":\"::1\",\"method\":null,\"path\":null,"
                + "\"protocol\":null,\"service\":null,\"backend\":null,\"status\":400,\"bytes\":17,\"attempts\":0,"
                + "\"duration_ms\":0.005,\"backend_ms\":null}", sb.toString());
    }

    @Test
    void offer_manyAtOnceIntoSmallQueue_everyRecordWrittenOrCountedAndCloseDrains() throws Exception {
        Path file = dir.resolve("access.log");
        Files.writeString(file, "{\"earlier\":true}\n"); // appended to, never truncated
        AccessLog log = AccessLog.open(new AccessLogSettings(true, file, 16));
        int offered = 100_000;
        for (int i = 0; i < offered; i++) {
            log.offer(record("/r/" + i, 200, 1_000_000, 900_000));
        }
        log.close(Duration.ofSeconds(30));
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        assertEquals("{\"earlier\":true}", lines.get(0));
        int written = lines.size() - 1;
        assertEquals(offered, written + log.dropped(), "written " + written + ", dropped " + log.dropped());
        assertTrue(log.dropped() > 0, "a queue of 16 overflows when 100000 come at once");
        int last = -1;
        for (String l : lines.subList(1, lines.size())) {
            int n = Integer.parseInt(new JsonObject(l).getString("path").substring(3));
            assertTrue(n > last, "in the order offered: " + n + " after " + last);
            last = n;
        }
    }

    @Test
    void offer_lowRate_lineOnDiskWithinMilliseconds() throws Exception {
        Path file = dir.resolve("slow.log");
        AccessLog log = AccessLog.open(new AccessLogSettings(true, file, 1024));
        try {
            Thread.sleep(100); // the writer has been idle: its sleep is at its longest
            long start = System.nanoTime();
            log.offer(record("/one", 200, 1_000_000, 900_000));
            while (Files.size(file) == 0 && System.nanoTime() - start < 5_000_000_000L) {
                Thread.sleep(1);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(Files.readString(file).contains("\"path\":\"/one\""), "written and flushed");
            assertTrue(millis < 500, "on disk after " + millis + " ms (the writer sleeps at most "
                    + AccessLog.MAX_IDLE_MILLIS + " ms)");
        } finally {
            log.close(Duration.ofSeconds(5));
        }
    }
}
