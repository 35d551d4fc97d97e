package io.optiflow.lb.algorithms.consistenthash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.testkit.TestBackends;
import org.junit.jupiter.api.Test;

class HashRingTest {

    /** The answer by definition: the first point at or after key, else the first point. */
    private static int linear(HashRing ring, long key) {
        for (int i = 0; i < ring.size(); i++) {
            if (ring.points[i] >= key) {
                return i;
            }
        }
        return 0;
    }

    /** {@code locate} and {@code ownerOf} against the linear scan, at the edges, around points and at random keys. */
    private static void assertLocatesLikeLinearScan(HashRing ring) {
        long[] edges = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        for (long key : edges) {
            assertLocated(ring, key);
        }
        for (int i = 0; i < ring.size(); i += Math.max(1, ring.size() / 500)) {
            for (long d = -1; d <= 1; d++) {
                assertLocated(ring, ring.points[i] + d);
            }
        }
        for (int i = 0; i < 2_000; i++) {
            assertLocated(ring, RequestContext.mix(i));
        }
    }

    private static void assertLocated(HashRing ring, long key) {
        int expected = linear(ring, key);
        assertEquals(expected, ring.locate(key), () -> "locate, key " + key);
        assertEquals(ring.owners[expected], ring.ownerOf(key), () -> "ownerOf, key " + key);
    }

    @Test
    void locateAndOwnerOf_tinyRing_matchLinearScan() {
        assertLocatesLikeLinearScan(HashRing.build(TestBackends.of(1), 1, 1024));
        // more backends than blocks (12 points: 2 blocks): ownerOf searches
        assertLocatesLikeLinearScan(HashRing.build(TestBackends.of(3), 4, 1024));
        // owners in the top bit of a packed point (16 points: 4 blocks, owners 0..3): packed values below zero
        assertLocatesLikeLinearScan(HashRing.build(TestBackends.of(4), 4, 1024));
    }

    @Test
    void locateAndOwnerOf_mediumRing_matchLinearScan() {
        assertLocatesLikeLinearScan(HashRing.build(TestBackends.weighted(1, 2, 3, 4, 5, 6, 7, 8), 160, 262_144));
    }

    @Test
    void locateAndOwnerOf_largeCappedRing_matchLinearScan() {
        // 2^16 blocks of four points on average: about one in twenty holds more than fit (ownerOf searches there)
        assertLocatesLikeLinearScan(HashRing.build(TestBackends.of(2_000), 160, 262_144));
    }

    @Test
    void sortPairs_pointsSharingHighBitsAndTies_sortedByPointThenOwner() {
        // 5 pairs: the index takes 3 low bits, so points differing only there share their sort key's high bits
        long[] raw = {0x10L + 7, 0x10L + 1, -5L, 0x10L + 1, Long.MIN_VALUE};
        int[] rawOwners = {0, 4, 2, 3, 1};
        long[] points = new long[5];
        int[] owners = new int[5];
        HashRing.sortPairs(raw, rawOwners, points, owners);
        assertEquals(java.util.List.of(Long.MIN_VALUE, -5L, 0x11L, 0x11L, 0x17L),
                java.util.Arrays.stream(points).boxed().toList());
        assertEquals(java.util.List.of(1, 2, 3, 4, 0), java.util.Arrays.stream(owners).boxed().toList());
    }

    @Test
    void build_everyReplicaOfEveryBackend_presentAndSorted() {
        io.optiflow.lb.api.BackendSet set = TestBackends.weighted(1, 3, 2);
        HashRing ring = HashRing.build(set, 50, 262_144);
        java.util.List<String> expected = new java.util.ArrayList<>();
        for (int b = 0; b < set.size(); b++) {
            long idHash = RequestContext.hash(set.get(b).id());
            for (int r = 0; r < 50 * set.get(b).weight(); r++) {
                expected.add(HashRing.point(idHash, r) + "@" + b);
            }
        }
        java.util.List<String> actual = new java.util.ArrayList<>();
        for (int i = 0; i < ring.size(); i++) {
            actual.add(ring.points[i] + "@" + ring.owners[i]);
            if (i > 0) {
                assertEquals(true, ring.points[i - 1] <= ring.points[i], "not sorted at " + i);
            }
        }
        java.util.Collections.sort(expected);
        java.util.Collections.sort(actual);
        assertEquals(expected, actual);
    }

    private static void assertSameRing(HashRing expected, HashRing actual, String step) {
        assertEquals(expected.size(), actual.size(), step + ": size");
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.points, actual.points, step + ": points");
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.owners, actual.owners, step + ": owners");
    }

    @Test
    void rebuild_randomMembershipAndWeightChanges_sameRingAsAFreshBuild() {
        io.optiflow.lb.testkit.SeededRandom random = new io.optiflow.lb.testkit.SeededRandom(2026);
        for (int[] limits : new int[][]{{20, 1024}, {300, 4_096}}) { // a loose cap, and one that binds and rescales
            int replicas = limits[0];
            int cap = limits[1];
            java.util.Map<Integer, Integer> weights = new java.util.TreeMap<>();
            for (int i = 1; i <= 12; i++) {
                weights.put(i, 1 + random.nextInt(4));
            }
            io.optiflow.lb.api.BackendSet previous = setOf(weights);
            HashRing ring = HashRing.build(previous, replicas, cap);
            for (int step = 0; step < 60; step++) {
                int id = 1 + random.nextInt(20);
                switch (random.nextInt(3)) {
                    case 0 -> weights.remove(id);
                    case 1 -> weights.put(id, 1 + random.nextInt(6));
                    default -> weights.putIfAbsent(id, 1);
                }
                if (weights.isEmpty()) {
                    weights.put(1, 1);
                }
                io.optiflow.lb.api.BackendSet next = setOf(weights);
                ring = ring.rebuild(previous, next, replicas, cap);
                assertSameRing(HashRing.build(next, replicas, cap), ring, "cap " + cap + " step " + step);
                previous = next;
            }
        }
    }

    private static io.optiflow.lb.api.BackendSet setOf(java.util.Map<Integer, Integer> weights) {
        java.util.List<io.optiflow.lb.api.Backend> list = new java.util.ArrayList<>();
        weights.forEach((i, w) -> list.add(TestBackends.backend(i, w)));
        return io.optiflow.lb.api.BackendSet.of(list);
    }
}
