package io.optiflow.lb.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.optiflow.lb.blackbox.harness.AdminApi;
import io.optiflow.lb.blackbox.harness.IdBackend;
import io.optiflow.lb.blackbox.harness.LbProcess;
import io.optiflow.lb.blackbox.harness.TempDirs;
import io.optiflow.lb.blackbox.harness.Tmpfs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an acknowledged admin change is worth when the machine misbehaves: {@code kill -9} in the middle of a stream
 * of writes (20 times; every change that got a 2xx is there after the restart, and the state file always parses),
 * and a full filesystem under the data folder (the change is refused with 5xx and not applied; the proxy keeps
 * serving; writes work again once there is room).
 */
class DurabilityIT {

    private static final int KILLS = 20;
    private static final List<String> STRATEGIES = List.of("round-robin", "random", "least-connections",
            "power-of-two", "weighted-round-robin");
    /** Quick JVM start-up for the 21 starts of the kill test: the server's speed is not under test there. */
    private static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xss512k");

    private Path root;
    private IdBackend backend;

    @BeforeEach
    void setUp() {
        root = TempDirs.create("durability-it");
        backend = IdBackend.start();
    }

    @AfterEach
    void tearDown() {
        backend.close();
        TempDirs.delete(root);
    }

    /** What the admin API has acknowledged: added backends with their weight, and the strategy. */
    private static final class Model {
        final TreeMap<String, Integer> backends = new TreeMap<>();
        String strategy = "round-robin";

        Model copy() {
            Model m = new Model();
            m.backends.putAll(backends);
            m.strategy = strategy;
            return m;
        }

        @Override
        public String toString() {
            return strategy + " " + backends;
        }
    }

    /** One change: how to send it and what it does to the model once acknowledged. */
    private record Change(String method, String path, String body, int expected, Consumer<Model> apply) {
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void kill9DuringAStreamOfAdminWrites_20Times_everyAcknowledgedChangeSurvivesAndTheStateFileParses()
            throws Exception {
        Random random = new Random(20261206L);
        Model acknowledged = new Model();
        int[] nextId = {0};
        int acknowledgedTotal = 0;
        Change inFlight = null;
        for (int round = 0; round <= KILLS; round++) {
            try (LbProcess lb = start("round-" + round)) {
                if (round > 0) {
                    acknowledged = reconcile(lb, acknowledged, inFlight);
                }
                if (round == KILLS) {
                    break; // the last start only checks what the last kill left
                }
                // A writer sends changes one after another; the kill lands at a random moment among them.
                Writer writer = new Writer(lb.admin(), acknowledged, new Random(random.nextLong()), nextId);
                Thread t = new Thread(writer, "admin-writer");
                t.start();
                assertTrue(writer.firstAck.await(30, TimeUnit.SECONDS), "round " + round + ": no change acknowledged"
                        + " within 30 s" + (writer.failure == null ? "" : ": " + writer.failure));
                Thread.sleep(50 + random.nextInt(400));
                lb.kill9();
                t.join(15_000);
                assertFalse(t.isAlive(), "the writer did not stop after the kill");
                if (writer.failure != null) {
                    throw new AssertionError("round " + round + ": a change was refused", writer.failure);
                }
                assertTrue(writer.acks > 0, "round " + round + ": no change was acknowledged before the kill");
                acknowledgedTotal += writer.acks;
                inFlight = writer.unacknowledged;
                assertStateFileParses(lb.dataDir(), round);
            }
        }
        assertTrue(acknowledgedTotal >= KILLS * 5, "too few acknowledged changes to mean much: " + acknowledgedTotal);
        System.out.printf("DurabilityIT: %d kills, %d acknowledged changes, all present after restarts%n", KILLS,
                acknowledgedTotal);
    }

    /** Sends changes one after another until the server is gone; each acknowledged one goes into the model. */
    private static final class Writer implements Runnable {
        private final AdminApi admin;
        private final Model model;
        private final Random random;
        private final int[] nextId;
        volatile int acks;
        /** The change in flight when the server went away: it may or may not have been applied. */
        volatile Change unacknowledged;
        volatile Throwable failure;
        final CountDownLatch firstAck = new CountDownLatch(1);

        Writer(AdminApi admin, Model model, Random random, int[] nextId) {
            this.admin = admin;
            this.model = model;
            this.random = random;
            this.nextId = nextId;
        }

        @Override
        public void run() {
            try {
                for (;;) {
                    Change c = nextChange(model, random, nextId);
                    unacknowledged = c;
                    AdminApi.Reply r;
                    try {
                        r = admin.send(c.method(), c.path(), c.body());
                    } catch (IOException gone) {
                        return;
                    }
                    if (r.status() != c.expected()) {
                        throw new AssertionError(c.method() + " " + c.path() + " " + c.body() + ": " + r);
                    }
                    c.apply().accept(model);
                    unacknowledged = null;
                    acks++;
                    firstAck.countDown();
                }
            } catch (Throwable t) {
                failure = t;
                firstAck.countDown();
            }
        }
    }

    private LbProcess start(String name) {
        LbProcess.Builder b = LbProcess.builder(root).name(name).property("lb.services.shop.backends", backend.url())
                .property("lb.services.shop.health.enabled", "false");
        FAST_START.forEach(b::jvmArg);
        return b.start();
    }

    private static Change nextChange(Model model, Random random, int[] nextId) {
        int dice = random.nextInt(100);
        String path = "/api/v1/services/shop";
        if (dice < 45 || model.backends.size() < 3) {
            int n = nextId[0]++;
            String id = "127.1." + (n / 250) + "." + (1 + n % 250) + ":9";
            int weight = 1 + random.nextInt(9);
            return new Change("POST", path + "/backends", "{\"url\": \"http://" + id + "\", \"weight\": " + weight
                    + "}", 201, m -> m.backends.put(id, weight));
        }
        List<String> ids = new ArrayList<>(model.backends.keySet());
        String id = ids.get(random.nextInt(ids.size()));
        if (dice < 65) {
            int weight = 1 + random.nextInt(9);
            return new Change("PATCH", path + "/backends/" + id, "{\"weight\": " + weight + "}", 200,
                    m -> m.backends.put(id, weight));
        }
        if (dice < 90) {
            return new Change("DELETE", path + "/backends/" + id, null, 204, m -> m.backends.remove(id));
        }
        String strategy = STRATEGIES.get(random.nextInt(STRATEGIES.size()));
        return new Change("PUT", path + "/strategy", "{\"name\": \"" + strategy + "\"}", 200,
                m -> m.strategy = strategy);
    }

    /**
     * The server's state must be the acknowledged one, or that plus the one change in flight at the kill (which
     * the server may or may not have made durable before dying). Returns the state found.
     */
    private Model reconcile(LbProcess lb, Model acknowledged, Change inFlight) {
        Model found = read(lb.admin().json("/api/v1/services/shop"));
        if (same(found, acknowledged)) {
            return acknowledged;
        }
        if (inFlight != null) {
            Model applied = acknowledged.copy();
            inFlight.apply().accept(applied);
            if (same(found, applied)) {
                return applied;
            }
        }
        throw new AssertionError("after kill -9 and restart the state is neither what was acknowledged nor that"
                + " plus the change in flight (" + (inFlight == null ? "none" : inFlight.method() + " "
                + inFlight.path() + " " + inFlight.body()) + "):\n  acknowledged: " + acknowledged
                + "\n  found:        " + found);
    }

    private Model read(JsonNode service) {
        Model m = new Model();
        m.strategy = service.get("strategy").asText();
        for (JsonNode b : service.get("backends")) {
            String id = b.get("id").asText();
            if (!id.equals(backend.id())) {
                m.backends.put(id, b.get("weight").asInt());
            }
        }
        return m;
    }

    private static boolean same(Model a, Model b) {
        return a.strategy.equals(b.strategy) && a.backends.equals(b.backends);
    }

    private static void assertStateFileParses(Path dataDir, int round) throws IOException {
        Path state = dataDir.resolve("state.json");
        assertTrue(Files.isRegularFile(state), "round " + round + ": no state.json after acknowledged changes");
        JsonNode parsed = AdminApi.parse(Files.readString(state));
        assertNotNull(parsed.get("services"), "round " + round + ": state.json without services: " + parsed);
    }

    // ------------------------------------------------------------------ full filesystem

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void dataFolderOnAFullFilesystem_changesAre5xxAndNotApplied_proxyKeepsServing_writesResumeWithRoom()
            throws Exception {
        Path mount = root.resolve("small-fs");
        String skip = Tmpfs.unavailableReason(mount);
        assumeTrue(skip == null, "skipped: " + skip);
        try (Tmpfs fs = Tmpfs.mount(mount, "4m")) {
            Path data = fs.path().resolve("data");
            try (LbProcess lb = LbProcess.builder(root).name("full").dataDir(data)
                    .property("lb.services.shop.backends", backend.url())
                    .property("lb.services.shop.health.enabled", "false").start()) {
                AdminApi admin = lb.admin();
                admin.ok("PATCH", "/api/v1/services/shop/backends/" + backend.id(), "{\"weight\": 3}", 200);
                String before = admin.json("/api/v1/services/shop").toString();

                Path filler = fs.path().resolve("filler");
                long filled = fill(filler);
                List<AdminApi.Reply> refused = new ArrayList<>();
                refused.add(admin.send("POST", "/api/v1/services/shop/backends", "{\"url\": \"http://127.0.0.2:9\"}"));
                refused.add(admin.send("PATCH", "/api/v1/services/shop/backends/" + backend.id(), "{\"weight\": 5}"));
                refused.add(admin.send("PUT", "/api/v1/services/shop/strategy", "{\"name\": \"random\"}"));
                for (AdminApi.Reply r : refused) {
                    assertTrue(r.status() >= 500 && r.status() < 600, "a change on a full disk (" + filled
                            + " bytes of filler) got " + r);
                    assertTrue(r.body().contains("No space left on device"), "the answer does not say why: " + r);
                }
                assertEquals(stable(AdminApi.parse(before)), stable(admin.json("/api/v1/services/shop")),
                        "a refused change was applied");
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                for (int i = 0; i < 20; i++) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + lb.proxyPort() + "/item/" + i)).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), "the proxy stopped serving on a full disk: " + r.body());
                }
                assertTrue(lb.isAlive());

                Files.delete(filler);
                admin.ok("PATCH", "/api/v1/services/shop/backends/" + backend.id(), "{\"weight\": 4}", 200);
                lb.kill9();
            }
            try (LbProcess again = LbProcess.builder(root).name("full-restart").dataDir(data)
                    .property("lb.services.shop.backends", backend.url())
                    .property("lb.services.shop.health.enabled", "false").start()) {
                JsonNode s = again.admin().json("/api/v1/services/shop");
                assertEquals("round-robin", s.get("strategy").asText(), s.toString());
                assertEquals(1, s.get("backends").size(), s.toString());
                assertEquals(4, s.get("backends").get(0).get("weight").asInt(), s.toString());
                assertStateFileParses(data, -1);
            }
        }
    }

    /** Writes to {@code file} until the filesystem is full; returns the bytes written. */
    private static long fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 100_000; i++) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            // expected: No space left on device
        }
        // the last partial blocks: byte by byte, until not even one fits
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < block.length; i++) {
                out.write(0);
                out.flush();
                written++;
            }
        } catch (IOException full) {
            return written;
        }
        throw new AssertionError("the small filesystem did not fill up");
    }

    private static String stable(JsonNode s) {
        StringBuilder sb = new StringBuilder(s.get("strategy").asText()).append(s.get("overridden"));
        for (JsonNode b : s.get("backends")) {
            sb.append(' ').append(b.get("id").asText()).append('/').append(b.get("weight").asInt());
        }
        return sb.toString();
    }
}
