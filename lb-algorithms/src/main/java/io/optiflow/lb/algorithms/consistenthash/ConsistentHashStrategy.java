package io.optiflow.lb.algorithms.consistenthash;

import io.optiflow.lb.algorithms.support.BackendMap;
import io.optiflow.lb.algorithms.support.InFlightCounts;
import io.optiflow.lb.algorithms.support.PaddedCounter;
import io.optiflow.lb.algorithms.support.StripedCounter;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control side: one writer calls {@link #update}. In-flight counts live here, one {@link AtomicInteger} per
 * backend id, and are shared by every picker this strategy builds, so they outlive snapshots.
 */
final class ConsistentHashStrategy implements Strategy, LoadFeedback {

    private final ConsistentHashConfig config;
    /**
     * In-flight requests over every tracked backend: the bound is a share of it. Striped, as every request thread
     * writes it twice per request and pickers read it only when the key's backend is busy.
     */
    private final StripedCounter totalInFlight = new StripedCounter();
    /** Writer-owned. */
    private final Map<String, AtomicInteger> inFlightById = new HashMap<>();
    /**
     * The counters for the request threads: the current snapshot's by backend identity, and an immutable copy of
     * {@link #inFlightById} by id (a {@code HashMap} never modified after its volatile publication may be read
     * concurrently; {@code get} allocates nothing).
     */
    private volatile BackendMap<AtomicInteger> published =
            BackendMap.of(BackendSet.of(List.of()), new AtomicInteger[0], Map.of());
    private BackendSet last;
    /** The ring of {@code last}, or null; the next ring is derived from it. */
    private HashRing lastRing;
    private Picker lastPicker = Picker.NO_BACKEND;

    ConsistentHashStrategy(ConsistentHashConfig config) {
        this.config = config;
    }

    @Override
    public Picker update(BackendSet healthy) {
        if (healthy.equals(last)) {
            return lastPicker; // nothing changed: same ring, same picker
        }
        BackendSet previous = last;
        last = healthy;
        Set<String> ids = new HashSet<>();
        AtomicInteger[] inFlight = new AtomicInteger[healthy.size()];
        for (int i = 0; i < healthy.size(); i++) {
            String id = healthy.get(i).id();
            ids.add(id);
            inFlight[i] = inFlightById.computeIfAbsent(id, k -> new PaddedCounter());
        }
        // A backend that left keeps its counter while requests to it are still running, so the slots they hold
        // are released on completion and a backend that comes back starts from its true count.
        for (Iterator<Map.Entry<String, AtomicInteger>> it = inFlightById.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, AtomicInteger> e = it.next();
            if (!ids.contains(e.getKey()) && e.getValue().get() <= 0) {
                it.remove();
            }
        }
        published = BackendMap.of(healthy, inFlight, new HashMap<>(inFlightById));
        resyncTotal();
        if (healthy.isEmpty()) {
            lastRing = null;
            lastPicker = Picker.NO_BACKEND;
        } else {
            lastRing = lastRing == null
                    ? HashRing.build(healthy, config.replicas(), config.maxRingSize())
                    : lastRing.rebuild(previous, healthy, config.replicas(), config.maxRingSize());
            lastPicker = new ConsistentHashPicker(healthy, lastRing, inFlight, totalInFlight,
                    config.loadFactorMillis());
        }
        return lastPicker;
    }

    /**
     * Sets the total back to the sum of the counters. A request that starts through a map published just before a
     * prune counts on a dropped counter, and its completion then finds none: the total would keep that request for
     * good. Correcting at each update keeps such drift to the few requests racing the latest update. Racing
     * requests may make this correction itself off by a few, until the next update; never cumulative.
     */
    private void resyncTotal() {
        long sum = 0;
        for (AtomicInteger n : inFlightById.values()) {
            sum += Math.max(0, n.get());
        }
        totalInFlight.add(sum - totalInFlight.sum());
    }

    @Override
    public LoadFeedback feedback() {
        return this;
    }

    @Override
    public void onStart(Backend backend) {
        AtomicInteger n = published.get(backend);
        if (n != null) { // unknown backend: ignored, as the SPI asks
            n.incrementAndGet();
            totalInFlight.increment();
        }
    }

    @Override
    public void onComplete(Backend backend, long latencyNanos, Outcome outcome) {
        // Every outcome, IGNORED included, releases the slot: IGNORED is how the core hands back the in-flight
        // requests it seeded this strategy with on a switch.
        AtomicInteger n = published.get(backend);
        if (n == null) {
            return;
        }
        // Never below zero: a completion whose start this strategy never saw (started before it knew the
        // backend) must not leave a negative count that would attract traffic.
        if (InFlightCounts.release(n)) {
            totalInFlight.decrement();
        }
    }

    /** In-flight requests this strategy counts for the backend id; for tests. */
    int inFlight(String id) {
        AtomicInteger n = published.byId(id);
        return n == null ? 0 : n.get();
    }

    long totalInFlight() {
        return totalInFlight.sum();
    }
}
