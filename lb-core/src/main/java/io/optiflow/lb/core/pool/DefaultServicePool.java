package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.ThreadLocalRandomSource;
import io.optiflow.lb.core.config.HealthPolicy;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One service's pool. Writer methods are {@code synchronized} (one serialized writer; never called on the request
 * path); the request path reads one volatile {@link PoolSelector}.
 *
 * <p>The strategy sees the backends that are {@link AdminState#ENABLED}, not DOWN by active checks and not
 * EJECTED by passive ones. An update that leaves that set as it was publishes no new picker.
 *
 * <p>Live switch (the handover): the writer builds the new strategy's picker over the current set, links the new
 * generation as the old one's successor, then for every member "seals" its in-flight counter at the new epoch,
 * seeding the new strategy's feedback with one {@code onStart} per request in flight (before the seal, so the
 * new strategy never sees a release before its start), publishes, and closes the old strategy. Requests picked
 * under an older generation report their real outcome to it and {@link Outcome#IGNORED} to each later one.
 *
 * <p>Slow start: a backend that enters the available set after the pool was built (added, discovered, back from
 * an ejection, a failed health check or a drain) ramps up over the slow-start time through a
 * {@link SlowStartGate} published with the picker, for every strategy. A backend that leaves its discovery source
 * ({@link #applyMembership}) is taken out of the set at once, kept as a member until its requests in flight have
 * finished, then dropped.
 */
public final class DefaultServicePool implements ServicePool {

    private static final System.Logger LOG = System.getLogger(DefaultServicePool.class.getName());
    /** A leaving backend is dropped after this even if requests are still counted in flight (a lost completion). */
    static final long LEAVE_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final long LEAVE_POLL_MILLIS = 50;

    /** Writer-side state of one backend. */
    private static final class Member {
        BackendEntry entry;
        final BackendStats stats;
        boolean activeDown;
        int passes;
        int fails;
        boolean ejected;
        long ejectedUntil;
        /** Whether it was in the published set (to see it come back). */
        boolean wasAvailable;
        /** Ticker time its slow start began; {@link Long#MIN_VALUE} when warm. */
        long warmSince = Long.MIN_VALUE;
        /** Left its discovery source: no new requests; dropped once idle. */
        boolean leaving;
        long leftAt;

        Member(BackendEntry entry, BackendStats stats) {
            this.entry = entry;
            this.stats = stats;
        }

        boolean available() {
            return entry.state() == AdminState.ENABLED && !activeDown && !ejected && !leaving;
        }

        HealthStatus health() {
            return ejected ? HealthStatus.EJECTED : activeDown ? HealthStatus.DOWN : HealthStatus.UP;
        }
    }

    private final String name;
    private final HealthPolicy health;
    private final String configuredStrategy;
    final Ticker ticker; // PoolSelector: the time of a start or completion reported without one
    private final ScheduledExecutorService scheduler;
    private final Executor asyncWriter;
    private final long latencyHalfNanos;
    private final long slowStartNanos;
    private final RandomSource random;
    final int consecutiveFailuresToEject;

    // writer state, guarded by this
    private final TreeMap<String, Member> members = new TreeMap<>();
    private Generation generation;
    private boolean strategyOverridden;
    private ScheduledFuture<?> expiryTask;
    private ScheduledFuture<?> rampTask;
    private ScheduledFuture<?> leaveTask;
    private boolean closed;
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile PoolSelector selector;
    private volatile long strategySwitches;

    /**
     * A pool with its first strategy and backends.
     *
     * @param asyncWriter        runs writer work that the request path asks for (passive ejection); usually the
     *                           scheduler, or {@code Runnable::run} in tests that want it done at once
     * @param configuredStrategy the statically configured strategy name (what a reset goes back to)
     */
    public DefaultServicePool(String name, HealthPolicy health, String configuredStrategy, StrategyInstance initial,
                              boolean strategyOverridden, List<BackendEntry> backends, Ticker ticker,
                              ScheduledExecutorService scheduler, Executor asyncWriter) {
        this(name, health, configuredStrategy, initial, strategyOverridden, backends, ticker, scheduler, asyncWriter,
                LatencyHistogram.DEFAULT_HALF_NANOS, 0, ThreadLocalRandomSource.INSTANCE);
    }

    /**
     * A pool with slow start.
     *
     * @param slowStartNanos how long a (re)joining backend ramps up; 0 = off
     * @param random         the draws of the slow-start gate
     */
    public DefaultServicePool(String name, HealthPolicy health, String configuredStrategy, StrategyInstance initial,
                              boolean strategyOverridden, List<BackendEntry> backends, Ticker ticker,
                              ScheduledExecutorService scheduler, Executor asyncWriter, long slowStartNanos,
                              RandomSource random) {
        this(name, health, configuredStrategy, initial, strategyOverridden, backends, ticker, scheduler, asyncWriter,
                LatencyHistogram.DEFAULT_HALF_NANOS, slowStartNanos, random);
    }

    DefaultServicePool(String name, HealthPolicy health, String configuredStrategy, StrategyInstance initial,
                       boolean strategyOverridden, List<BackendEntry> backends, Ticker ticker,
                       ScheduledExecutorService scheduler, Executor asyncWriter, long latencyHalfNanos,
                       long slowStartNanos, RandomSource random) {
        this.name = Objects.requireNonNull(name, "name");
        this.health = Objects.requireNonNull(health, "health");
        this.configuredStrategy = Objects.requireNonNull(configuredStrategy, "configuredStrategy");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.asyncWriter = Objects.requireNonNull(asyncWriter, "asyncWriter");
        this.latencyHalfNanos = latencyHalfNanos;
        this.slowStartNanos = Math.max(0, slowStartNanos);
        this.random = Objects.requireNonNull(random, "random");
        this.consecutiveFailuresToEject = Math.max(0, health.consecutiveFailures());
        synchronized (this) {
            for (BackendEntry e : backends) {
                if (members.containsKey(e.backend().id())) {
                    throw new IllegalArgumentException("backends: duplicate id '" + e.backend().id()
                            + "' (expected: unique ids)");
                }
                members.put(e.backend().id(), new Member(e, new BackendStats(ticker, 0, latencyHalfNanos)));
            }
            this.generation = new Generation(initial, initial.strategy().feedback(), 0);
            this.strategyOverridden = strategyOverridden;
            for (Member m : members.values()) {
                m.wasAvailable = m.available(); // the first members start warm
            }
            BackendSet set = availableSet();
            Picker picker = initial.strategy().update(set);
            this.selector = newSelector(generation, picker == null ? Picker.NO_BACKEND : picker, set);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    @Override
    public HealthPolicy healthPolicy() {
        return health;
    }

    @Override
    public boolean hasAvailableBackend() {
        return !selector.set.isEmpty();
    }

    /** The set the current picker was made from (ENABLED, UP and not ejected backends). */
    public BackendSet availableBackends() {
        return selector.set;
    }

    /** Live switches since start-up. */
    public long strategySwitches() {
        return strategySwitches;
    }

    /** The strategy in force. */
    public StrategyInstance strategy() {
        return selector.generation.instance;
    }

    /** The live counters of a member. */
    public Optional<BackendStats> backendStats(String backendId) {
        return Optional.ofNullable(selector.find(backendId));
    }

    /** The health of a member now, if it is one (cheap: for metrics gauges). */
    public synchronized Optional<HealthStatus> health(String backendId) {
        Member m = members.get(backendId);
        return m == null ? Optional.empty() : Optional.of(m.health());
    }

    /** Runs {@code listener} (on the scheduler, after publishing; keep it quick) whenever membership, health or strategy changed. */
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    // ---------------------------------------------------------------- writer methods

    /** Adds a backend, or replaces its weight, URL, state and override flags (health and stats are kept). */
    public synchronized void putBackend(BackendEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Member m = members.get(entry.backend().id());
        boolean membership = m == null;
        if (m == null) {
            members.put(entry.backend().id(),
                    new Member(entry, new BackendStats(ticker, generation.epoch, latencyHalfNanos)));
        } else {
            m.entry = entry;
            membership = m.leaving;
            m.leaving = false;
        }
        republish(membership);
    }

    /**
     * One discovery update in one step: adds or replaces {@code put} (a leaving member that comes back stays, with
     * its counters), and takes {@code leave} out of the set at once, keeping each as a member until its requests in
     * flight have finished (then it is dropped). Publishes at most one new picker.
     */
    public synchronized void applyMembership(Collection<BackendEntry> put, Collection<String> leave) {
        boolean membership = false;
        for (BackendEntry e : put) {
            Member m = members.get(e.backend().id());
            if (m == null) {
                members.put(e.backend().id(), new Member(e, new BackendStats(ticker, generation.epoch,
                        latencyHalfNanos)));
                membership = true;
            } else {
                membership |= m.leaving;
                m.leaving = false;
                m.entry = e;
            }
        }
        long now = ticker.read();
        for (String id : leave) {
            Member m = members.get(id);
            if (m != null && !m.leaving) {
                m.leaving = true;
                m.leftAt = now;
                membership = true;
            }
        }
        republish(membership);
        dropIdleLeavers();
    }

    /** Whether a member is leaving (out of the set, requests in flight finishing). */
    public synchronized boolean isLeaving(String backendId) {
        Member m = members.get(backendId);
        return m != null && m.leaving;
    }

    private synchronized void leaveTick() {
        leaveTask = null; // this run is the task: the next check must be scheduled anew
        dropIdleLeavers();
    }

    /** Drops leaving members with nothing in flight (or draining longer than {@link #LEAVE_LIMIT_NANOS}). */
    private synchronized void dropIdleLeavers() {
        if (closed) {
            return;
        }
        long now = ticker.read();
        boolean dropped = false;
        boolean waiting = false;
        for (java.util.Iterator<Member> it = members.values().iterator(); it.hasNext(); ) {
            Member m = it.next();
            if (!m.leaving) {
                continue;
            }
            if (m.stats.inFlight() <= 0 || now - m.leftAt >= LEAVE_LIMIT_NANOS) {
                it.remove();
                dropped = true;
                LOG.log(Level.INFO, "service " + name + ": backend " + m.entry.backend().id()
                        + " left discovery and is drained; dropped");
            } else {
                waiting = true;
            }
        }
        if (dropped) {
            republish(true);
        }
        if (waiting && (leaveTask == null || leaveTask.isDone())) {
            try {
                leaveTask = scheduler.schedule(this::leaveTick, LEAVE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "service " + name + ": cannot schedule the drain check of leaving backends", e);
            }
        }
    }

    /** Removes a backend; requests in flight to it finish. Returns whether it was there. */
    public synchronized boolean removeBackend(String backendId) {
        if (members.remove(backendId) == null) {
            return false;
        }
        republish(true);
        return true;
    }

    /** The entry of a member, if any. */
    public synchronized Optional<BackendEntry> backend(String backendId) {
        Member m = members.get(backendId);
        return m == null ? Optional.empty() : Optional.of(m.entry);
    }

    /**
     * Switches to {@code next} live (see the class comment). If its first {@code update} throws, nothing changes
     * and the exception is passed on (the caller closes {@code next}).
     */
    public synchronized void switchStrategy(StrategyInstance next, boolean overridden) {
        Objects.requireNonNull(next, "next");
        if (closed) {
            throw new IllegalStateException("pool " + name + " is closed");
        }
        PoolSelector current = selector;
        Generation old = generation;
        Picker picker = next.strategy().update(current.set);
        if (picker == null) {
            picker = Picker.NO_BACKEND;
        }
        Generation neu = new Generation(next, next.strategy().feedback(), old.epoch + 1);
        old.successor = neu; // linked before sealing: a request that sees the new epoch finds it
        long now = ticker.read(); // the seeded starts are dated by the switch
        for (Member m : members.values()) {
            seal(m, neu, now);
        }
        generation = neu;
        strategyOverridden = overridden;
        selector = newSelector(neu, picker, current.set);
        strategySwitches = strategySwitches + 1;
        try {
            old.instance.strategy().close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "service " + name + ": closing strategy " + old.instance.name() + " failed", e);
        }
        fireListeners();
    }

    /**
     * Seeds {@code neu} with the member's in-flight requests (dated {@code now}, the switch) and moves the counter to
     * its epoch, atomically.
     */
    private static void seal(Member m, Generation neu, long now) {
        Backend b = m.entry.backend();
        LoadFeedback fb = neu.feedback;
        int seeded = 0;
        // a CAS loop: each failure means a request moved the counter (system-wide progress), so it ends quickly
        for (;;) {
            long s = m.stats.flightWord();
            int n = (int) s;
            for (; seeded < n; seeded++) {
                fb.onStart(b, now);
            }
            for (; seeded > n; seeded--) {
                fb.onComplete(b, 0L, Outcome.IGNORED, now);
            }
            if (m.stats.sealFlight(s, BackendStats.pack(neu.epoch, n))) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** Whether a runtime override set the strategy in force. */
    public synchronized boolean strategyOverridden() {
        return strategyOverridden;
    }

    @Override
    public synchronized void reportActiveCheck(String backendId, boolean passed) {
        Member m = members.get(backendId);
        if (m == null || closed) {
            return;
        }
        boolean changed = false;
        if (passed) {
            m.fails = 0;
            if (m.activeDown && ++m.passes >= Math.max(1, health.rise())) {
                m.activeDown = false;
                m.passes = 0;
                changed = true;
                LOG.log(Level.INFO, "service " + name + ": backend " + backendId + " is UP (passed "
                        + health.rise() + " checks)");
            }
        } else {
            m.passes = 0;
            if (!m.activeDown && ++m.fails >= Math.max(1, health.fall())) {
                m.activeDown = true;
                m.fails = 0;
                changed = true;
                LOG.log(Level.WARNING, "service " + name + ": backend " + backendId + " is DOWN (failed "
                        + health.fall() + " checks)");
            }
        }
        if (changed) {
            republish(false);
        }
    }

    /** Called on the request path when a backend reached its failure threshold: the writer decides, later. */
    void requestEjection(BackendStats stats) {
        try {
            asyncWriter.execute(() -> ejectIfAllowed(stats));
        } catch (RuntimeException e) { // a shut-down executor: no ejection, the count starts over
            stats.resetFailuresInARow();
        }
    }

    private synchronized void ejectIfAllowed(BackendStats stats) {
        Member m = null;
        for (Member each : members.values()) {
            if (each.stats == stats) {
                m = each;
                break;
            }
        }
        if (m == null || m.ejected || closed) {
            stats.resetFailuresInARow();
            return;
        }
        int ejectedNow = 0;
        for (Member each : members.values()) {
            if (each.ejected) {
                ejectedNow++;
            }
        }
        int cap = members.size() * Math.max(0, Math.min(100, health.maxEjectedPercent())) / 100;
        stats.resetFailuresInARow(); // counting starts over either way
        if (ejectedNow + 1 > cap) {
            LOG.log(Level.WARNING, "service " + name + ": backend " + m.entry.backend().id() + " failed "
                    + consecutiveFailuresToEject + " requests in a row but is not ejected: " + ejectedNow
                    + " of " + members.size() + " already are (max " + health.maxEjectedPercent() + " %)");
            return;
        }
        int n = stats.ejected(); // counts the ejection, and it in the streak
        long duration = health.baseEjectionNanos() > 0 && n > health.maxEjectionNanos() / health.baseEjectionNanos()
                ? health.maxEjectionNanos()
                : Math.min(health.maxEjectionNanos(), health.baseEjectionNanos() * n);
        m.ejected = true;
        m.ejectedUntil = ticker.read() + duration;
        LOG.log(Level.WARNING, "service " + name + ": backend " + m.entry.backend().id() + " ejected for "
                + duration / 1_000_000 + " ms after " + consecutiveFailuresToEject + " failed requests in a row");
        scheduleNextExpiry();
        republish(false);
    }

    /** One task, due when the earliest ejection ends (not the latest: a long one must not hold a short one). */
    private void scheduleNextExpiry() {
        long now = ticker.read();
        long next = Long.MAX_VALUE;
        for (Member m : members.values()) {
            if (m.ejected) {
                next = Math.min(next, Math.max(0, m.ejectedUntil - now));
            }
        }
        if (next != Long.MAX_VALUE) {
            scheduleExpiry(next);
        }
    }

    private void scheduleExpiry(long delayNanos) {
        if (closed) {
            return;
        }
        try {
            if (expiryTask != null) {
                expiryTask.cancel(false);
            }
            expiryTask = scheduler.schedule(this::expireEjections, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "service " + name + ": cannot schedule the end of an ejection", e);
        }
    }

    /**
     * Ends the ejections whose time (by the ticker) is over. Runs as a scheduled task; tests with a hand-moved
     * ticker call it after moving time.
     */
    public synchronized void expireEjections() {
        long now = ticker.read();
        boolean changed = false;
        long nextDue = Long.MAX_VALUE;
        for (Member m : members.values()) {
            if (!m.ejected) {
                continue;
            }
            if (m.ejectedUntil - now <= 0) {
                m.ejected = false;
                m.stats.resetFailuresInARow();
                changed = true;
                LOG.log(Level.INFO, "service " + name + ": ejection of " + m.entry.backend().id() + " ended");
            } else {
                nextDue = Math.min(nextDue, m.ejectedUntil - now);
            }
        }
        if (nextDue != Long.MAX_VALUE) {
            scheduleExpiry(nextDue);
        }
        if (changed) {
            republish(false);
        }
    }

    /** Stops background work and closes the strategy. Selectors already handed out keep answering. */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (expiryTask != null) {
            expiryTask.cancel(false);
        }
        if (rampTask != null) {
            rampTask.cancel(false);
        }
        if (leaveTask != null) {
            leaveTask.cancel(false);
        }
        try {
            generation.instance.strategy().close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "service " + name + ": closing strategy failed", e);
        }
    }

    @Override
    public synchronized ServiceView view() {
        PoolSelector s = selector;
        SlowStartGate gate = s.gate;
        long now = ticker.read();
        List<BackendView> views = new ArrayList<>(members.size());
        for (Member m : members.values()) {
            BackendEntry e = m.entry;
            BackendStats st = m.stats;
            int percent = gate == null ? 100 : (int) Math.floor(gate.share(e.backend().id(), now) * 100);
            views.add(new BackendView(e.backend().id(), e.url(), e.backend().weight(), e.weightOverridden(),
                    e.state(), e.stateOverridden(), e.origin(), m.health(), Math.max(0, st.inFlight()),
                    st.requests(), st.errors(), st.ejections(), st.latency(), e.backend().labels(), percent,
                    m.leaving));
        }
        StrategyInstance si = s.generation.instance;
        return new ServiceView(name, si.name(), si.config(), strategyOverridden, configuredStrategy,
                strategySwitches, List.copyOf(views));
    }

    /** Recent latency of the whole service: the members' histograms merged (allocates; for readers only). */
    public LatencySummary latency() {
        PoolSelector s = selector;
        List<LatencyHistogram> all = new ArrayList<>(s.statsCount());
        for (int i = 0; i < s.statsCount(); i++) {
            all.add(s.stats(i).latency);
        }
        return LatencyHistogram.summary(all);
    }

    /** The view of one backend, if it is a member. */
    public Optional<BackendView> backendView(String backendId) {
        for (BackendView v : view().backends()) {
            if (v.id().equals(backendId)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- publishing

    private BackendSet availableSet() {
        List<Backend> up = new ArrayList<>(members.size());
        for (Member m : members.values()) {
            if (m.available()) {
                up.add(m.entry.backend());
            }
        }
        return BackendSet.of(up);
    }

    /** Publishes what changed; an update that changes neither the set nor the membership publishes nothing. */
    private void republish(boolean membershipChanged) {
        PoolSelector current = selector;
        markReturns();
        BackendSet set = availableSet();
        boolean setChanged = !set.equals(current.set);
        if (!setChanged && !membershipChanged) {
            return;
        }
        Picker picker = current.picker;
        if (setChanged) {
            try {
                picker = generation.instance.strategy().update(set);
                if (picker == null) {
                    picker = Picker.NO_BACKEND;
                }
            } catch (RuntimeException e) {
                // a strategy bug must not stop health and membership handling: keep its last picker
                LOG.log(Level.ERROR, "service " + name + ": strategy " + generation.instance.name()
                        + " failed to update; keeping its previous picker", e);
                picker = current.picker;
                set = current.set;
            }
        }
        selector = membershipChanged ? newSelector(generation, picker, set)
                : current.withPicker(picker, set, gate(set));
        fireListeners();
    }

    /** Starts the slow start of members that (re)entered the available set since the last publish. */
    private void markReturns() {
        long now = ticker.read();
        for (Member m : members.values()) {
            boolean a = m.available();
            if (a && !m.wasAvailable && slowStartNanos > 0) {
                m.warmSince = now;
            }
            m.wasAvailable = a;
        }
    }

    /** The slow-start gate over {@code set} now (null when nothing ramps); schedules its removal when due. */
    private SlowStartGate gate(BackendSet set) {
        if (slowStartNanos <= 0 || set.isEmpty()) {
            return null;
        }
        long now = ticker.read();
        long[] since = new long[set.size()];
        for (int i = 0; i < since.length; i++) {
            Member m = members.get(set.get(i).id());
            since[i] = m == null ? Long.MIN_VALUE : m.warmSince;
        }
        SlowStartGate g = SlowStartGate.of(set, since, slowStartNanos, now, ticker, random);
        if (g != null) {
            scheduleRampEnd(g.end() - now);
        }
        return g;
    }

    private void scheduleRampEnd(long delayNanos) {
        if (closed) {
            return;
        }
        try {
            if (rampTask != null) {
                rampTask.cancel(false);
            }
            rampTask = scheduler.schedule(this::endRamps, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "service " + name + ": cannot schedule the end of a slow start", e);
        }
    }

    /**
     * Republishes the gate once ramps are over (so the request path skips it). Runs as a scheduled task; tests
     * with a hand-moved ticker call it after moving time.
     */
    public synchronized void endRamps() {
        PoolSelector current = selector;
        if (current.gate == null || closed) {
            return;
        }
        selector = current.withPicker(current.picker, current.set, gate(current.set));
    }

    private PoolSelector newSelector(Generation g, Picker picker, BackendSet set) {
        String[] ids = new String[members.size()];
        BackendStats[] stats = new BackendStats[members.size()];
        int i = 0;
        for (Map.Entry<String, Member> e : members.entrySet()) { // TreeMap: sorted by id, like String.compareTo
            ids[i] = e.getKey();
            stats[i] = e.getValue().stats;
            i++;
        }
        return new PoolSelector(g, picker, set, ids, stats, this, gate(set));
    }

    private void fireListeners() {
        if (listeners.isEmpty()) {
            return;
        }
        // run outside the writer's monitor, so a listener may call anything (even a control-plane write)
        try {
            scheduler.execute(() -> {
                for (Runnable l : listeners) {
                    try {
                        l.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "service " + name + ": a change listener failed", e);
                    }
                }
            });
        } catch (RuntimeException e) { // scheduler shut down: nobody is listening any more
            LOG.log(Level.DEBUG, "service " + name + ": change listeners not run", e);
        }
    }
}
