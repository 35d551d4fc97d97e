package io.optiflow.lb.state.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.core.state.ReplicaStatus;
import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StateStores;
import io.optiflow.lb.core.state.StoreConflictException;
import io.optiflow.lb.core.state.StoreContext;
import io.optiflow.lb.core.state.StoreListener;
import io.optiflow.lb.core.state.StoreUnavailableException;
import io.optiflow.lb.core.state.StoredState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The etcd store against a real etcd started on free ports. Each test has a key prefix of its own. */
@Timeout(120)
class EtcdStateStoreTest {

    @TempDir
    static Path tmp;

    private static EtcdProcess etcd;
    private static int tests;
    private final List<StateStore> stores = new ArrayList<>();
    private final String prefix = "/t" + (++tests) + "/";

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdProcess.start(tmp);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        etcd.close();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(StateStore::close);
    }

    private StateStore store(String replica) {
        StateStore s = StateStores.open("etcd", new StoreContext(Map.of("endpoints", etcd.endpoint(), "prefix",
                prefix, "timeout", "1s"), tmp, new StoreContext.ReplicaIdentity(replica, replica + ":8080"),
                Clock.systemUTC()));
        stores.add(s);
        return s;
    }

    private static byte[] doc(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void write_afterAnotherWriteOnTheSameVersion_conflictWithWhatIsStored() {
        StateStore a = store("a");
        StateStore b = store("b");
        assertTrue(a.read().isAbsent());
        String v1 = a.write(StoredState.ABSENT_VERSION, doc("{\"revision\":1}"), "{\"n\":1}");
        StoreConflictException e = assertThrows(StoreConflictException.class,
                () -> b.write(StoredState.ABSENT_VERSION, doc("{\"revision\":1,\"b\":true}"), "{\"n\":2}"));
        assertEquals(v1, e.current().version());
        assertArrayEquals(doc("{\"revision\":1}"), e.current().document());
        String v2 = b.write(v1, doc("{\"revision\":2}"), "{\"n\":2}");
        assertNotEquals(v1, v2);
        assertThrows(StoreConflictException.class, () -> a.write(v1, doc("{\"revision\":2,\"a\":1}"), "{}"));
        assertEquals(v2, a.read().version());
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), a.auditLines(10), "audit oldest first, losers not in it");
        assertEquals(List.of("{\"n\":2}"), a.auditLines(1));
    }

    @Test
    void watch_anotherReplicasWrite_deliveredWithItsVersion() throws Exception {
        StateStore a = store("a");
        StateStore b = store("b");
        LinkedBlockingQueue<StoredState> heard = new LinkedBlockingQueue<>();
        a.watch(heard::add);
        String v = b.write(StoredState.ABSENT_VERSION, doc("{\"revision\":1}"), "{}");
        StoredState s = heard.poll(5, TimeUnit.SECONDS);
        assertTrue(s != null, "no watch event within 5 s");
        assertEquals(v, s.version());
        assertArrayEquals(doc("{\"revision\":1}"), s.document());
    }

    @Test
    void heartbeat_listedWithRevision_forgetDropsIt() {
        StateStore a = store("a");
        StateStore b = store("b");
        a.heartbeat(3);
        b.heartbeat(4);
        List<ReplicaStatus> r = a.replicas();
        assertEquals(List.of("a", "b"), r.stream().map(ReplicaStatus::id).toList());
        assertEquals(4, r.get(1).revision());
        assertEquals("b:8080", r.get(1).address());
        a.forget("b");
        assertEquals(List.of("a"), b.replicas().stream().map(ReplicaStatus::id).toList());
    }

    @Test
    void etcdStopped_callsFailWithinTheTimeout_thenWorkAndWatchAgainAfterRestart() throws Exception {
        StateStore a = store("a");
        StateStore b = store("b");
        LinkedBlockingQueue<StoredState> heard = new LinkedBlockingQueue<>();
        a.watch(new StoreListener() {
            @Override
            public void changed(StoredState state) {
                heard.add(state);
            }
        });
        String v1 = b.write(StoredState.ABSENT_VERSION, doc("{\"revision\":1}"), "{}");
        assertTrue(heard.poll(5, TimeUnit.SECONDS) != null);
        etcd.stop();
        try {
            long t0 = System.nanoTime();
            assertThrows(StoreUnavailableException.class, a::read);
            assertThrows(StoreUnavailableException.class, () -> a.write(v1, doc("{\"revision\":2}"), "{}"));
            assertThrows(StoreUnavailableException.class, () -> a.heartbeat(1));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "calls must be bounded in time");
        } finally {
            etcd.start();
        }
        // b did not call etcd during the outage, so its client may still be in gRPC's reconnect back-off: its first
        // call can fail (and rebuilds the client, as every failed call does); calls work again within seconds
        String v2 = writeOnceEtcdAnswers(b, v1, doc("{\"revision\":2}"));
        // a's watch comes back once etcd answers its check (each second): a write made before that is covered by
        // watchLost (the listener reads again); one made after it must arrive as an event. So while nothing is
        // heard for a second, write again.
        String last = v2;
        StoredState s = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int rev = 3; System.nanoTime() < deadline && (s == null || !s.version().equals(last)); ) {
            s = heard.poll(1, TimeUnit.SECONDS);
            if (s == null) {
                last = b.write(last, doc("{\"revision\":" + rev++ + "}"), "{}");
            }
        }
        assertTrue(s != null && s.version().equals(last), "the watch did not resume after etcd came back");
        assertEquals(last, a.read().version());
    }

    private static String writeOnceEtcdAnswers(StateStore store, String expected, byte[] document)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return store.write(expected, document, "{}");
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("etcd is back but writes still fail after 10 s", e);
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    void configErrors_eachNamesTheKey() {
        assertEquals(List.of("lb.state.etcd.endpoints: missing (expected: comma-separated URLs like"
                + " http://10.0.0.1:2379)"), StateStores.configErrors("etcd", Map.of()));
        List<String> errors = StateStores.configErrors("etcd", Map.of("endpoints", "10.0.0.1:2379", "prefix",
                "optiflow", "user", "lb", "timeout", "soon", "bogus", "1"));
        assertEquals(5, errors.size(), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("lb.state.etcd.password: missing")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("lb.state.etcd.bogus: unknown key")), errors.toString());
    }
}
