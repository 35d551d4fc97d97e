package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.blackbox.harness.Fixture;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.RawHttp;
import io.optiflow.lb.blackbox.harness.RecordingBackend;
import io.optiflow.lb.blackbox.harness.RequestMutator;
import io.optiflow.lb.blackbox.harness.StrictHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Parser fuzzing: 20,000 mutated requests ({@link RequestMutator}, fixed seed), each on a connection of its own,
 * through the proxy to a backend that parses strictly and records what it gets ({@link RecordingBackend}).
 * What must hold:
 * <ul>
 *   <li>the proxy never crashes and answers every case (a 4xx of its own, or the backend's answer);</li>
 *   <li>no smuggling: every request the backend parsed is one whose answer reached the client that sent it (a
 *       request the proxy framed differently would arrive as an extra, or unparseable, request), and the backend
 *       never met bytes it could not parse;</li>
 *   <li>where the client's bytes are a valid request to a strict parser, the backend got that same request (method,
 *       target, body length) or the proxy refused it with a 4xx.</li>
 * </ul>
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FuzzIT {

    private static final int CASES = 20_000;
    private static final long SEED = 20_261_206L;
    private static final int CLIENTS = 128;

    private static Fixture fixture;
    private static RecordingBackend backend;
    private static LbProcess lb;

    /** What one case got back. */
    private record Outcome(int status, long recordedSeq, String error) {
    }

    @BeforeAll
    static void start() {
        fixture = Fixture.create("fuzz-it");
        backend = fixture.add(new RecordingBackend());
        lb = fixture.add(fixture.server().property("lb.services.fuzz.backends", backend.url())
                .property("lb.services.fuzz.health.enabled", "false")
                .property("lb.services.fuzz.retry.attempts", "0") // a retry would send one request twice
                .property("lb.proxy.request-header-timeout", "300ms")
                .property("lb.proxy.request-body-idle-timeout", "300ms")
                .property("lb.proxy.max-connections", "100000").start());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void twentyThousandMutatedRequests_noCrashNoSmuggling_malformedOnesGet4xx() throws Exception {
        RequestMutator mutator = new RequestMutator(SEED);
        byte[][] cases = new byte[CASES][];
        for (int i = 0; i < CASES; i++) {
            cases[i] = mutator.next("/f/" + i + "/");
        }
        long start = System.nanoTime();
        Outcome[] outcomes = new Outcome[CASES];
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int first = c;
                done.add(pool.submit(() -> {
                    for (int i = first; i < CASES; i += CLIENTS) {
                        outcomes[i] = send(cases[i]);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(200, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        Map<Long, RecordingBackend.Recorded> bySeq = new HashMap<>();
        for (RecordingBackend.Recorded r : backend.recorded()) {
            bySeq.put(r.seq(), r);
        }
        Problems problems = new Problems();
        int forwarded = 0;
        int refused4xx = 0;
        int validRefused = 0;
        int lenientlyForwarded = 0;
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            Outcome o = outcomes[i];
            statuses.merge(o.status(), 1, Integer::sum);
            StrictHttp.Request ref = reference(cases[i]);
            if (o.error() != null) {
                problems.add("no answer", "case " + i + ": " + o.error() + " for " + show(cases[i]));
            } else if (o.recordedSeq() > 0) {
                forwarded++;
                RecordingBackend.Recorded r = bySeq.remove(o.recordedSeq());
                if (r == null) {
                    problems.add("answer of another request", "case " + i + ": answered by backend request "
                            + o.recordedSeq() + ", which another case got too");
                } else if (ref != null && !(ref.method().equals(r.method()) && ref.target().equals(r.target())
                        && ref.bodyLength() == r.bodyLength())) {
                    problems.add("valid request changed", "case " + i + ": sent " + ref + ", backend got " + r
                            + " from " + show(cases[i]));
                } else if (ref == null) {
                    lenientlyForwarded++;
                    String target = lenientTarget(cases[i]);
                    // the target as sent, or its path when the client sent the absolute form
                    if (target == null || !(target.equals(r.target())
                            || (!target.startsWith("/") && target.endsWith(r.target())))) {
                        problems.add("other target forwarded", "case " + i + ": request line target " + target
                                + ", backend got " + r + " from " + show(cases[i]));
                    }
                }
            } else if (o.status() >= 400 && o.status() < 500) {
                refused4xx++;
                validRefused += ref != null ? 1 : 0;
            } else {
                problems.add("proxy answered " + o.status(), "case " + i + ": answered " + o.status()
                        + " by the proxy for " + show(cases[i]));
            }
        }
        for (RecordingBackend.Recorded r : bySeq.values()) {
            problems.add("smuggled", "the backend parsed " + r + " and no client got its answer");
        }
        for (String e : backend.errors()) {
            problems.add("backend could not parse", e);
        }
        System.out.printf("FuzzIT: %d mutated requests in %d ms: %d forwarded (%d of them invalid to a strict parser),"
                + " %d refused with 4xx (%d of them valid to a strict parser), %d problems %s; statuses %s%n", CASES,
                millis, forwarded, lenientlyForwarded, refused4xx, validRefused, problems.total, problems.counts(),
                statuses);
        assertEquals(0, problems.total, problems.total + " problems " + problems.counts() + ", first of each:\n"
                + problems.examples());
        assertTrue(lb.isAlive(), "the proxy died");
        try (RawHttp c = RawHttp.connect(lb.proxyPort())) {
            c.send("GET /after-fuzz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertEquals(200, c.read("GET").status());
        }
    }

    /** Problems by kind: a count each and the first few examples, so one run shows every kind there is. */
    private static final class Problems {
        private final Map<String, List<String>> byKind = new TreeMap<>();
        private final Map<String, Integer> counts = new TreeMap<>();
        int total;

        void add(String kind, String example) {
            total++;
            counts.merge(kind, 1, Integer::sum);
            List<String> examples = byKind.computeIfAbsent(kind, k -> new ArrayList<>());
            if (examples.size() < 5) {
                examples.add(example);
            }
        }

        Map<String, Integer> counts() {
            return counts;
        }

        String examples() {
            StringBuilder sb = new StringBuilder();
            byKind.forEach((kind, list) -> list.forEach(e -> sb.append(kind).append(": ").append(e).append('\n')));
            return sb.toString();
        }
    }

    /** The target of the request line read leniently (split at runs of space or tab), or null. */
    private static String lenientTarget(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
            end++;
        }
        String[] parts = new String(bytes, 0, end, StandardCharsets.ISO_8859_1).trim().split("[ \t]+");
        return parts.length >= 2 ? parts[1] : null;
    }

    /** The request a strict parser reads from the whole of {@code bytes}, or null when it is not exactly one. */
    private static StrictHttp.Request reference(byte[] bytes) {
        try {
            StrictHttp.Request r = StrictHttp.parse(bytes, 0, bytes.length);
            return r.consumed() == bytes.length && r.target().startsWith("/") ? r : null;
        } catch (StrictHttp.Invalid e) {
            return null;
        }
    }

    /** Sends one case on a connection of its own and reads the first answer (at most 5 s). */
    private static Outcome send(byte[] request) {
        try (Socket s = new Socket()) {
            s.setSoTimeout(5_000);
            s.setSoLinger(true, 0);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), lb.proxyPort()), 5_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return firstResponse(s.getInputStream());
        } catch (SocketTimeoutException e) {
            return new Outcome(-1, -1, "no answer within 5 s");
        } catch (IOException e) {
            return new Outcome(-1, -1, "connection failed without an answer: " + e);
        }
    }

    private static Outcome firstResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                int status = Integer.parseInt(text.substring(9, 12));
                if (status / 100 == 1) { // 100 Continue: the answer is still to come
                    head.reset();
                    matched = 0;
                    continue;
                }
                long seq = -1;
                for (String line : text.split("\r\n")) {
                    if (line.toLowerCase().startsWith("x-recorded:")) {
                        seq = Long.parseLong(line.substring(11).trim());
                    }
                }
                return new Outcome(status, seq, null);
            }
        }
        return new Outcome(-1, -1, "closed without an answer" + (head.size() > 0 ? " (got: "
                + head.toString(StandardCharsets.ISO_8859_1) + ")" : ""));
    }

    private static String show(byte[] bytes) {
        StringBuilder sb = new StringBuilder("'");
        for (byte b : bytes) {
            int c = b & 0xff;
            sb.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : c < 0x20 || c >= 0x7f ? String.format("\\x%02x", c)
                    : String.valueOf((char) c));
        }
        return sb.append("'").toString();
    }
}
