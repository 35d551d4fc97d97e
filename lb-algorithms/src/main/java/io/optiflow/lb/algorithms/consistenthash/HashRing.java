package io.optiflow.lb.algorithms.consistenthash;

import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.RequestContext;
import java.util.Arrays;

/**
 * A sorted ring of virtual nodes over one snapshot: {@code points[i]} is owned by backend index {@code owners[i]}
 * (an index into the {@link BackendSet}). Immutable once built; lookups are a binary search over a
 * {@code long[]}, allocation-free.
 *
 * <p>A point depends only on the backend id and the replica number, never on the other backends, so a
 * backend's points stay put when others come or go: that is what limits movement to the leaving backend's keys.
 */
final class HashRing {

    /** Odd 64-bit constant (2^64 / golden ratio) that spreads consecutive replica numbers apart. */
    private static final long REPLICA_STRIDE = 0x9E3779B97F4A7C15L;

    /** Longs per block: {@link #BLOCK} - 1 points and the count-and-successor word. */
    private static final int BLOCK = 8;
    /** A block's count when it has more points than fit: {@link #ownerOf} falls back to the search. */
    private static final int OVERFLOW = 0xFF;
    /** Blocks for rings of up to 2^(this + 2) points (4 MB of blocks); larger rings only search. */
    private static final int MAX_BLOCK_BITS = 16;

    final long[] points;
    final int[] owners;
    /** Points per backend index: replicas {@code 0..counts[b]-1} of backend {@code b} are on the ring. */
    private final int[] counts;
    /**
     * A lookup accelerator: {@code buckets[b]} is the first point whose top {@link #bucketBits} bits (in unsigned
     * order) are at least {@code b}, so a lookup searches a handful of neighbouring points instead of the whole
     * ring: on a ring of 250,000 points that turns ~18 cache misses into ~2.
     */
    private final int[] buckets;
    private final int bucketBits;
    /**
     * The owner lookup of a pick ({@link #ownerOf}) in one place: the key space cut by its top {@link #blockBits}
     * bits into blocks of {@link #BLOCK} longs (64 bytes), each holding its points in ring order, packed with their
     * owners, and a last long with how many there are and the owner of the first point after the block. A lookup
     * reads one block, where {@link #locate} and {@code owners} read the bucket index, one or two lines of points
     * and a line of owners: at a thousand backends (a 3 MB ring) each of those is a likely cache miss. A point's
     * top bits are its block's, so the block keeps only the low {@code 64 - blockBits} bits and puts the owner in
     * the top ones. There are about four points per block at most, on average: the one block in twenty with more
     * than seven keeps the search. 64 bytes per block, 4 MB for the 2^16 blocks of a ring of up to 262,144 points
     * (beside its 3 MB of points and owners). Null, and only the search, when the ring is larger than that (a
     * max-ring-size above its default) or has more backends than blocks (owners would not fit).
     */
    private final long[] blocks;
    /** The key bits that number a block: {@code ceil(log2(points)) - 2}, at least 1. */
    private final int blockBits;

    private HashRing(long[] points, int[] owners, int[] counts) {
        this.points = points;
        this.owners = owners;
        this.counts = counts;
        // about four points per bucket, and at most 2^16 buckets (256 KB)
        int bits = 31 - Integer.numberOfLeadingZeros(Math.max(1, points.length)) - 2;
        this.bucketBits = Math.max(1, Math.min(16, bits));
        int count = 1 << bucketBits;
        this.buckets = new int[count + 1];
        int i = 0;
        for (int b = 0; b < count; b++) {
            while (i < points.length && bucket(points[i]) < b) {
                i++;
            }
            buckets[b] = i;
        }
        buckets[count] = points.length;
        // ceil(log2(points)) - 2: at most four points per block on average
        this.blockBits = Math.max(1, 64 - Long.numberOfLeadingZeros(Math.max(1, points.length) - 1L) - 2);
        this.blocks = blocks();
    }

    /** The blocks of {@link #blocks}, or null when the ring is too large or has too many backends for them. */
    private long[] blocks() {
        int n = points.length;
        if (n == 0 || n > 1 << (MAX_BLOCK_BITS + 2) || counts.length > 1 << blockBits) {
            return null;
        }
        int lowBits = 64 - blockBits;
        long lowMask = -1L >>> blockBits;
        int count = 1 << blockBits;
        long[] into = new long[count * BLOCK];
        int i = 0;
        for (int b = 0; b < count; b++) {
            int from = i;
            while (i < n && block(points[i]) == b) {
                i++;
            }
            int base = b * BLOCK;
            if (i - from > BLOCK - 1) {
                into[base + BLOCK - 1] = OVERFLOW;
                continue;
            }
            for (int k = from; k < i; k++) {
                into[base + k - from] = ((long) owners[k] << lowBits) | (points[k] & lowMask);
            }
            int successor = i == n ? owners[0] : owners[i];
            into[base + BLOCK - 1] = ((long) successor << 8) | (i - from);
        }
        return into;
    }

    /** The block of {@code key}: its top {@link #blockBits} bits, in unsigned order. */
    private int block(long key) {
        return (int) ((key ^ Long.MIN_VALUE) >>> (64 - blockBits));
    }

    /** Top bits in unsigned order: flipping the sign bit maps signed order onto unsigned order. */
    private int bucket(long key) {
        return (int) ((key ^ Long.MIN_VALUE) >>> (64 - bucketBits));
    }

    /** Points for each backend: {@code weight x replicas}, scaled down to fit {@code maxRingSize}, at least one. */
    static int[] pointCounts(BackendSet set, int replicas, int maxRingSize) {
        long wanted = (long) set.totalWeight() * replicas;
        double scale = wanted <= maxRingSize ? 1.0 : (double) maxRingSize / wanted;
        int[] counts = new int[set.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (int) Math.max(1, Math.floor((long) set.get(i).weight() * replicas * scale));
        }
        return counts;
    }

    /** The ring position of replica {@code r} of the backend whose id hashes to {@code idHash}. */
    static long point(long idHash, int r) {
        return RequestContext.mix(idHash + (r + 1L) * REPLICA_STRIDE);
    }

    static HashRing build(BackendSet set, int replicas, int maxRingSize) {
        int[] counts = pointCounts(set, replicas, maxRingSize);
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        // Sort (point, owner) pairs by point, ties by owner (id order). A boxed index sort took 0.1-0.9 s for a
        // 260,000-point ring; instead sort primitive longs holding each point's high bits and, in its low bits,
        // the pair's index, then fix the few pairs whose points share those high bits with an insertion pass.
        long[] rawPoints = new long[total];
        int[] rawOwners = new int[total];
        int k = 0;
        for (int b = 0; b < counts.length; b++) {
            long idHash = RequestContext.hash(set.get(b).id());
            for (int r = 0; r < counts[b]; r++) {
                rawPoints[k] = point(idHash, r);
                rawOwners[k] = b;
                k++;
            }
        }
        long[] points = new long[total];
        int[] owners = new int[total];
        sortPairs(rawPoints, rawOwners, points, owners);
        return new HashRing(points, owners, counts);
    }

    /**
     * The ring of {@code next}, made from this ring of {@code previous} in linear time: the same result as
     * {@link #build}{@code (next, ...)}, without re-sorting the points that stay. Every backend's points are the
     * prefix {@code 0..count-1} of its replicas, so a change (a backend leaves or comes, a weight changes, the cap
     * rescales everyone) drops or adds only the tail replicas that differ; only those are hashed and sorted, then
     * merged into the kept ones.
     */
    HashRing rebuild(BackendSet previous, BackendSet next, int replicas, int maxRingSize) {
        int[] nextCounts = pointCounts(next, replicas, maxRingSize);
        int[] toNext = new int[previous.size()]; // previous index -> next index, or -1
        int[] fromPrevious = new int[next.size()]; // next index -> previous index, or -1
        Arrays.fill(fromPrevious, -1);
        for (int o = 0; o < toNext.length; o++) {
            toNext[o] = next.indexOf(previous.get(o).id());
            if (toNext[o] >= 0) {
                fromPrevious[toNext[o]] = o;
            }
        }
        // Points to drop from backends that stay but shrink: their replicas nextCount..count-1.
        int droppedCount = 0;
        int addedCount = 0;
        for (int n = 0; n < nextCounts.length; n++) {
            int was = fromPrevious[n] < 0 ? 0 : counts[fromPrevious[n]];
            droppedCount += Math.max(0, was - nextCounts[n]);
            addedCount += Math.max(0, nextCounts[n] - was);
        }
        long[] droppedPoints = new long[droppedCount];
        int[] droppedOwners = new int[droppedCount];
        long[] addedRaw = new long[addedCount];
        int[] addedRawOwners = new int[addedCount];
        int d = 0;
        int a = 0;
        for (int n = 0; n < nextCounts.length; n++) {
            int was = fromPrevious[n] < 0 ? 0 : counts[fromPrevious[n]];
            long idHash = RequestContext.hash(next.get(n).id());
            for (int r = nextCounts[n]; r < was; r++) {
                droppedPoints[d] = point(idHash, r);
                droppedOwners[d++] = n;
            }
            for (int r = was; r < nextCounts[n]; r++) {
                addedRaw[a] = point(idHash, r);
                addedRawOwners[a++] = n;
            }
        }
        long[] dropP = new long[droppedCount];
        int[] dropO = new int[droppedCount];
        sortPairs(droppedPoints, droppedOwners, dropP, dropO);
        long[] addP = new long[addedCount];
        int[] addO = new int[addedCount];
        sortPairs(addedRaw, addedRawOwners, addP, addO);

        int total = 0;
        for (int c : nextCounts) {
            total += c;
        }
        long[] outP = new long[total];
        int[] outO = new int[total];
        int out = 0;
        int j = 0; // into the added pairs
        int k = 0; // into the dropped pairs; both walk in ring order alongside i
        for (int i = 0; i < points.length; i++) {
            int owner = toNext[owners[i]]; // remapping keeps id order, so (point, owner) order holds
            if (owner < 0) {
                continue; // the backend left
            }
            long p = points[i];
            while (k < droppedCount && (dropP[k] < p || (dropP[k] == p && dropO[k] < owner))) {
                k++;
            }
            if (k < droppedCount && dropP[k] == p && dropO[k] == owner) {
                k++;
                continue; // a tail replica of a shrinking backend
            }
            while (j < addedCount && (addP[j] < p || (addP[j] == p && addO[j] < owner))) {
                outP[out] = addP[j];
                outO[out++] = addO[j++];
            }
            outP[out] = p;
            outO[out++] = owner;
        }
        while (j < addedCount) {
            outP[out] = addP[j];
            outO[out++] = addO[j++];
        }
        if (out != total) { // cannot happen unless the previous ring was not built from previous
            throw new IllegalStateException("ring rebuild: " + out + " points (expected: " + total + ")");
        }
        return new HashRing(outP, outO, nextCounts);
    }

    /** Writes the pairs {@code (rawPoints[i], rawOwners[i])} into {@code points, owners} sorted by point, then owner. */
    static void sortPairs(long[] rawPoints, int[] rawOwners, long[] points, int[] owners) {
        int total = rawPoints.length;
        int indexBits = 64 - Long.numberOfLeadingZeros(Math.max(1, total - 1));
        long indexMask = (1L << indexBits) - 1;
        long[] packed = new long[total];
        for (int i = 0; i < total; i++) {
            packed[i] = (rawPoints[i] & ~indexMask) | i; // clearing low bits keeps the signed order of the rest
        }
        Arrays.sort(packed);
        for (int i = 0; i < total; i++) {
            int from = (int) (packed[i] & indexMask);
            points[i] = rawPoints[from];
            owners[i] = rawOwners[from];
        }
        for (int i = 1; i < total; i++) { // nearly sorted already: linear in practice
            long p = points[i];
            int o = owners[i];
            int j = i - 1;
            while (j >= 0 && (points[j] > p || (points[j] == p && owners[j] > o))) {
                points[j + 1] = points[j];
                owners[j + 1] = owners[j];
                j--;
            }
            points[j + 1] = p;
            owners[j + 1] = o;
        }
    }

    /** Index of the first point at or after {@code key}, wrapping to 0 past the last point. */
    int locate(long key) {
        long[] p = points;
        int b = bucket(key);
        // points of earlier buckets are all below key, points of later ones all above it
        int lo = buckets[b];
        int hi = buckets[b + 1];
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == p.length ? 0 : lo;
    }

    /**
     * The owner of the first point at or after {@code key}, wrapping past the last point: {@code owners[locate(key)]},
     * from one block in the common case (see {@link #blocks}).
     */
    int ownerOf(long key) {
        long[] bl = blocks;
        if (bl == null) {
            return owners[locate(key)];
        }
        int base = block(key) * BLOCK;
        long meta = bl[base + BLOCK - 1];
        int size = (int) meta & 0xFF;
        if (size == OVERFLOW) {
            return owners[locate(key)];
        }
        // within a block the top bits are the same, so the low bits order the points and the key alike
        int lowBits = 64 - blockBits;
        long lowMask = -1L >>> blockBits;
        long low = key & lowMask;
        for (int k = 0; k < size; k++) {
            long packed = bl[base + k];
            if ((packed & lowMask) >= low) {
                return (int) (packed >>> lowBits);
            }
        }
        return (int) (meta >>> 8); // all of the block's points are below the key: the next point's owner
    }

    int size() {
        return points.length;
    }
}
