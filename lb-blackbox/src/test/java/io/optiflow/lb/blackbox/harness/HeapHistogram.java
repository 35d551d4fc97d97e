package io.optiflow.lb.blackbox.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of another JVM by class, from {@code jcmd <pid> GC.class_histogram}, which runs a full GC first:
 * what is left is what is still referenced. For leak checks: compare two and name the classes that grew.
 */
public final class HeapHistogram {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

    private final Map<String, long[]> byClass; // class -> {instances, bytes}
    private final long totalBytes;

    private HeapHistogram(Map<String, long[]> byClass, long totalBytes) {
        this.byClass = byClass;
        this.totalBytes = totalBytes;
    }

    /** Takes the histogram of process {@code pid} (bounded: 60 s). */
    public static HeapHistogram of(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd GC.class_histogram failed:\n"
                        + new String(out, StandardCharsets.UTF_8));
            }
            return parse(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static HeapHistogram parse(String text) {
        Map<String, long[]> rows = new HashMap<>();
        long total = -1;
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                rows.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                continue;
            }
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                total = Long.parseLong(t.group(2));
            }
        }
        if (total < 0) {
            throw new IllegalStateException("no total in the histogram:\n" + text);
        }
        return new HeapHistogram(rows, total);
    }

    /** Bytes of all live objects. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Live instances of the classes whose name starts with {@code prefix}. */
    public long instances(String prefix) {
        long n = 0;
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                n += e.getValue()[0];
            }
        }
        return n;
    }

    /** The {@code n} classes that grew most in bytes since {@code before}, one a line, for failure messages. */
    public String growthSince(HeapHistogram before, int n) {
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            long[] b = before.byClass.getOrDefault(e.getKey(), new long[2]);
            rows.add(new Object[] {e.getKey(), e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
        }
        rows.sort((x, y) -> Long.compare((long) y[2], (long) x[2]));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, rows.size()); i++) {
            Object[] r = rows.get(i);
            sb.append(String.format("  %+,12d bytes %+,9d instances  %s%n", (long) r[2], (long) r[1], r[0]));
        }
        return sb.toString();
    }
}
