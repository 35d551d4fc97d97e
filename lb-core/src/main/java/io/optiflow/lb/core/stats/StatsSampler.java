package io.optiflow.lb.core.stats;

import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.DefaultServicePool;
import io.optiflow.lb.core.pool.LatencySummary;
import io.optiflow.lb.core.pool.ServiceView;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The one shared sampler of live statistics: once a second it reads the counters the pools already keep
 * ({@link io.optiflow.lb.core.pool.BackendStats} through each pool's view, the latency histograms), turns them into
 * rates, and keeps the last {@link #DEFAULT_SECONDS} seconds. Every dashboard reads the same immutable
 * {@link StatsSnapshot}: the work is once per second per service, never per request and never per reader.
 *
 * <p>Threading: {@link #sampleNow()} is serialized (the scheduler calls it once a second; tests call it by hand
 * after moving the ticker); {@link #snapshot()} is one volatile read from any thread. Listeners run on the sampling
 * thread after each tick and must be quick (a UI hands the work to its own thread).
 */
public final class StatsSampler implements AutoCloseable {

    /** How much history is kept: five minutes at one sample a second. */
    public static final int DEFAULT_SECONDS = 300;
    private static final System.Logger LOG = System.getLogger(StatsSampler.class.getName());

    /** What the previous tick read of one service, to turn counters into rates and to see what changed. */
    private record Previous(long tick, Map<String, long[]> counters, long rateLimited, long noBackend,
                            long switches) {
    }

    private final ControlPlane control;
    private final Ticker ticker;
    private final Clock clock;
    private final int capacity;
    private final Map<String, LongSupplier[]> rejections = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<StatsSnapshot>> listeners = new CopyOnWriteArrayList<>();

    // sampling state, guarded by this
    private final Map<String, ArrayDeque<ServiceSample>> samples = new HashMap<>();
    private final Map<String, ArrayDeque<ChangeMark>> marks = new HashMap<>();
    private final Map<String, Previous> previous = new HashMap<>();
    private long sequence;
    private ScheduledFuture<?> task;

    private volatile StatsSnapshot snapshot;

    /**
     * @param control  the control plane whose pools are sampled
     * @param ticker   monotonic clock for the intervals between samples
     * @param clock    wall clock for the samples' timestamps
     * @param seconds  how many samples to keep per service ({@link #DEFAULT_SECONDS})
     */
    public StatsSampler(ControlPlane control, Ticker ticker, Clock clock, int seconds) {
        this.control = Objects.requireNonNull(control, "control");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (seconds < 2) {
            throw new IllegalArgumentException("seconds: " + seconds + " (expected: >= 2)");
        }
        this.capacity = seconds;
        this.snapshot = new StatsSnapshot(clock.instant(), 0, Map.of());
    }

    /**
     * Counts of requests a service refused before reaching a backend, as the server keeps them (they are not pool
     * counters): read once a tick.
     */
    public void countRejections(String service, LongSupplier rateLimited, LongSupplier noBackend) {
        rejections.put(Objects.requireNonNull(service, "service"),
                new LongSupplier[] {Objects.requireNonNull(rateLimited), Objects.requireNonNull(noBackend)});
    }

    /** Samples now, then once a second on {@code scheduler}. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (task != null) {
            throw new IllegalStateException("sampler already started");
        }
        sampleNow();
        task = scheduler.scheduleAtFixedRate(this::sampleQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** The newest snapshot (one volatile read). */
    public StatsSnapshot snapshot() {
        return snapshot;
    }

    /** Calls {@code listener} with every new snapshot; returns the handle that stops it. */
    public AutoCloseable addListener(Consumer<StatsSnapshot> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void sampleQuietly() {
        try {
            sampleNow();
        } catch (RuntimeException e) { // one bad tick must not stop the sampling
            LOG.log(Level.WARNING, "statistics sample failed", e);
        }
    }

    /** Takes one sample of every service and publishes the new snapshot. */
    public StatsSnapshot sampleNow() {
        StatsSnapshot next;
        synchronized (this) {
            long tick = ticker.read();
            Instant at = clock.instant();
            Map<String, ServiceHistory> histories = new TreeMap<>();
            for (DefaultServicePool pool : control.poolsTyped()) {
                histories.put(pool.name(), sampleService(pool, tick, at));
            }
            samples.keySet().retainAll(histories.keySet());
            marks.keySet().retainAll(histories.keySet());
            previous.keySet().retainAll(histories.keySet());
            next = new StatsSnapshot(at, ++sequence, histories);
            snapshot = next;
        }
        for (Consumer<StatsSnapshot> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a statistics listener failed", e);
            }
        }
        return next;
    }

    private ServiceHistory sampleService(DefaultServicePool pool, long tick, Instant at) {
        ServiceView view = pool.view();
        LatencySummary latency = pool.latency();
        String name = view.name();
        Previous prev = previous.get(name);
        double seconds = prev == null ? 1 : Math.max(1e-3, (tick - prev.tick()) / 1e9);
        Map<String, long[]> counters = new HashMap<>();
        List<BackendSample> backends = new ArrayList<>(view.backends().size());
        double rps = 0;
        double eps = 0;
        for (BackendView b : view.backends()) {
            long[] before = prev == null ? null : prev.counters().get(b.id());
            double r = before == null ? 0 : Math.max(0, b.requests() - before[0]) / seconds;
            double e = before == null ? 0 : Math.max(0, b.errors() - before[1]) / seconds;
            counters.put(b.id(), new long[] {b.requests(), b.errors()});
            rps += r;
            eps += e;
            LatencySummary l = b.latency();
            backends.add(new BackendSample(b.id(), b.url(), b.weight(), b.weightOverridden(), b.state(),
                    b.stateOverridden(), b.origin(), b.health(), b.inFlight(), r, e, b.requests(), b.errors(),
                    b.ejections(), l.p50Ms(), l.p99Ms()));
        }
        LongSupplier[] rej = rejections.get(name);
        long rateLimited = rej == null ? 0 : rej[0].getAsLong();
        long noBackend = rej == null ? 0 : rej[1].getAsLong();
        double rlps = prev == null ? 0 : Math.max(0, rateLimited - prev.rateLimited()) / seconds;
        double nbps = prev == null ? 0 : Math.max(0, noBackend - prev.noBackend()) / seconds;
        ServiceSample sample = new ServiceSample(name, at, view.strategy(), view.strategyConfig(),
                view.strategyOverridden(), view.configuredStrategy(), List.copyOf(backends), rps, eps, rlps, nbps,
                latency.p50Ms(), latency.p99Ms());

        ArrayDeque<ServiceSample> ring = samples.computeIfAbsent(name, k -> new ArrayDeque<>(capacity + 1));
        ArrayDeque<ChangeMark> changes = marks.computeIfAbsent(name, k -> new ArrayDeque<>());
        ServiceSample last = ring.peekLast();
        if (last != null) {
            changes.addAll(ChangeMarks.between(last, prev.switches(), sample, view.strategySwitches()));
        }
        ring.addLast(sample);
        while (ring.size() > capacity) {
            ring.removeFirst();
        }
        Instant oldest = ring.peekFirst().at();
        while (!changes.isEmpty() && changes.peekFirst().at().isBefore(oldest)) {
            changes.removeFirst();
        }
        previous.put(name, new Previous(tick, counters, rateLimited, noBackend, view.strategySwitches()));
        return new ServiceHistory(new ArrayList<>(ring), new ArrayList<>(changes));
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
        }
        listeners.clear();
    }
}
