package io.optiflow.lb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.Rejection;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.ConfigAttribute;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.api.spi.Ticker;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every strategy keeps. Extend it in your strategy's tests:
 *
 * <pre>{@code
 * class MyStrategyContractTest extends StrategyContractTest<MyConfig> {
 *     @Override protected StrategyProvider<MyConfig> provider() { return new MyStrategyProvider(); }
 * }
 * }</pre>
 *
 * It checks: the provider is found by {@link ServiceLoader} under its name; its schema is well-formed and its
 * defaults parse; unknown keys are errors, and no bad value makes {@code parseConfig} throw; an empty snapshot
 * gives {@code NO_BACKEND}; picks come only from the current snapshot; every backend gets traffic; many threads
 * can pick and report while the snapshot changes; feedback that balances leaves the strategy usable; feedback
 * for an unknown backend is ignored; a steady-state pick with its feedback allocates nothing. Feedback comes in
 * both forms, every other request each: with the caller's clock readings ({@code onStart(backend, nowNanos)},
 * {@code onComplete(backend, latencyNanos, outcome, nowNanos)}), as the proxy calls it, and without, so the
 * contract holds for a strategy that implements only the older forms (lb-api's defaults forward to them) and for
 * one that overrides the newer ones.
 *
 * <p>A failure says three things: {@code Contract:} what every strategy must do, {@code Your strategy:} what this
 * one did instead, and {@code Usual cause:} the mistake that most often leads there.
 *
 * @param <C> the strategy's config type
 */
public abstract class StrategyContractTest<C> {

    private Strategy strategy;
    /** The ticker of the strategy's context: the time the feedback's newer forms carry. */
    private Ticker ticker = Ticker.SYSTEM;

    /** The provider under test. */
    protected abstract StrategyProvider<C> provider();

    /** The raw config the contract runs with; defaults to none (all defaults). */
    protected Map<String, String> rawConfig() {
        return Map.of();
    }

    /** The request context of the {@code i}-th request: by default a spread of hash keys. */
    protected RequestContext requestContext(int i) {
        return RequestContext.of("/contract/" + (i & 63), RequestContext.mix(i + 1L));
    }

    /** A fresh strategy of the provider, with a seeded random source and a hand-moved ticker. */
    protected Strategy newStrategy() {
        ConfigResult<C> config = provider().parseConfig(rawConfig());
        assertTrue(config.isValid(), () -> violation(
                "the contract runs with the config rawConfig() returns, and parseConfig accepts it",
                "parseConfig(" + rawConfig() + ") returned the errors " + config.errors(),
                "rawConfig() in your contract test names a key or value your schema does not accept; or the"
                        + " defaults of a required attribute are missing"));
        StrategyContext context = TestContexts.seeded(42);
        ticker = context.ticker();
        strategy = provider().newStrategy(config.config(), context);
        assertNotNull(strategy, () -> violation("newStrategy returns a strategy", "it returned null",
                "a skeleton method left unfinished"));
        return strategy;
    }

    /**
     * A contract failure message: what the contract is, what the strategy did, and the usual cause. Every
     * assertion of this class words its message this way.
     */
    protected static String violation(String contract, String didInstead, String usualCause) {
        return "\nContract: " + contract + ".\nYour strategy: " + didInstead + ".\nUsual cause: " + usualCause + ".";
    }

    @AfterEach
    void closeStrategy() {
        if (strategy != null) {
            strategy.close();
        }
    }

    @Test
    void serviceLoader_findsProviderUnderItsName() {
        StrategyProvider<C> p = provider();
        boolean found = false;
        List<String> listed = new ArrayList<>();
        for (StrategyProvider<?> each : ServiceLoader.load(StrategyProvider.class, p.getClass().getClassLoader())) {
            listed.add(each.getClass().getName());
            if (each.getClass() == p.getClass()) {
                assertEquals(p.name(), each.name(), () -> violation(
                        "name() is a constant: the instance ServiceLoader makes has the same name as yours",
                        "the ServiceLoader instance is named '" + each.name() + "', yours '" + p.name() + "'",
                        "the name is computed from config or state instead of returned as a constant"));
                found = true;
            }
        }
        assertTrue(found, () -> violation(
                "the server finds the provider with ServiceLoader, so its class is listed in"
                        + " META-INF/services/" + StrategyProvider.class.getName(),
                p.getClass().getName() + " is not listed; the listings on the class path name " + listed,
                "the service file is missing, is not under src/main/resources/META-INF/services/, has another"
                        + " file name, or lists an old class name (a class renamed or moved to another package)"));
    }

    @Test
    void name_isKebabCase() {
        String name = provider().name();
        assertTrue(name != null && name.matches("[a-z][a-z0-9-]*"), () -> violation(
                "a strategy's name is kebab-case, [a-z][a-z0-9-]*: operators type it and saved state refers to it",
                "name() returned " + (name == null ? "null" : "'" + name + "'"),
                "a display name (capitals, spaces) or a class name where the stable key belongs; the server"
                        + " skips a provider with such a name"));
    }

    @Test
    void schema_everyAttributeDescribedAndDefaultsParse() {
        for (ConfigAttribute a : provider().configSchema().attributes()) {
            assertFalse(a.description().isBlank(), () -> violation(
                    "every config attribute has a description: the admin API, the dashboard's form and the docs"
                            + " show it to operators",
                    "attribute '" + a.name() + "' has a blank description",
                    "an empty string passed as the last argument of the schema builder's *Attribute(...) call"));
        }
        ConfigResult<C> defaults = provider().parseConfig(Map.of());
        assertTrue(defaults.isValid(), () -> violation(
                "a strategy runs with no config at all: every attribute's default parses",
                "parseConfig(Map.of()) returned the errors " + defaults.errors(),
                "a default outside the attribute's own bounds, or a cross-key check in parseConfig that the"
                        + " defaults do not pass"));
    }

    @Test
    void parseConfig_unknownKey_errorNamesTheKey() {
        ConfigResult<C> r = provider().parseConfig(Map.of("no-such-attribute", "1"));
        assertFalse(r.isValid(), () -> violation(
                "an unknown config key is an error, so an operator's typo is reported instead of ignored",
                "parseConfig({no-such-attribute=1}) accepted it",
                "parseConfig reads the keys it knows from the raw map instead of going through"
                        + " configSchema().parse(raw), which rejects the others"));
        assertTrue(r.errors().stream().anyMatch(e -> e.contains("no-such-attribute")), () -> violation(
                "the error for an unknown key names the key",
                "parseConfig({no-such-attribute=1}) returned the errors " + r.errors(),
                "a hand-written error message that leaves out the key"));
    }

    @Test
    void parseConfig_garbageValues_errorsNeverThrows() {
        for (ConfigAttribute a : provider().configSchema().attributes()) {
            for (String bad : List.of("", " ", "-1", "1e400", "NaN", "%%%", "999999999999999999999")) {
                Map<String, String> raw = new HashMap<>(rawConfig());
                raw.put(a.name(), bad);
                try {
                    ConfigResult<C> r = provider().parseConfig(raw);
                    if (!r.isValid()) {
                        assertTrue(r.errors().stream().anyMatch(e -> e.contains(a.name())), () -> violation(
                                "an error names the key, the value and what was expected",
                                "for " + a.name() + "='" + bad + "' parseConfig returned the errors " + r.errors()
                                        + ", none naming '" + a.name() + "'",
                                "a hand-written cross-key check whose message leaves out the key"));
                    }
                } catch (RuntimeException e) {
                    fail(violation("parseConfig never throws, whatever the input: bad values come back as errors",
                            "parseConfig threw for " + a.name() + "='" + bad + "': " + e,
                            "parsing a value by hand (Integer.parseInt, Duration.parse) in parseConfig, or a"
                                    + " constructor check that throws; let the schema parse the value, and return"
                                    + " ConfigResult.invalid(...) for checks of your own"), e);
                }
            }
        }
    }

    @Test
    void pick_emptySnapshot_noBackend() {
        Picker picker = newStrategy().update(BackendSet.empty());
        assertNotNull(picker, () -> violation("update(...) returns a picker, Picker.NO_BACKEND for an empty set",
                "update(empty) returned null", "a missing return for the empty case"));
        for (int i = 0; i < 10; i++) {
            int n = i;
            PickResult r = pick(picker, i, "an empty snapshot");
            assertSame(Rejection.NO_BACKEND, r, () -> violation(
                    "over an empty snapshot a pick answers Rejection.NO_BACKEND (the proxy answers 503 at once)",
                    "pick #" + n + " returned " + r,
                    "update(empty) builds a picker over nothing instead of returning Picker.NO_BACKEND"));
        }
    }

    @Test
    void pick_afterShrink_onlyBackendsOfTheNewSnapshot() {
        Strategy s = newStrategy();
        s.update(TestBackends.of(5));
        BackendSet smaller = BackendSet.of(TestBackends.backend(2), TestBackends.backend(4), TestBackends.backend(5));
        Picker picker = s.update(smaller);
        LoadFeedback fb = s.feedback();
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            PickResult r = pick(picker, i, "a snapshot shrunk from 5 to 3 backends");
            assertTrue(r.isBackend(), () -> violation(
                    "with backends healthy and no limit configured a pick returns a backend",
                    "pick #" + n + " after the shrink returned " + r,
                    "a picker that still indexes the old, larger snapshot, or counts that went wrong when the"
                            + " snapshot changed"));
            Backend b = r.backend();
            assertSame(smaller.find(b.id()), b, () -> violation(
                    "a picker returns only Backend objects of the snapshot it was made from",
                    "after update(" + ids(smaller) + ") pick #" + n + " returned " + b,
                    "the picker reads state shared across snapshots (an array the strategy keeps and replaces,"
                            + " a field of the strategy) instead of arrays made for this snapshot; or it builds"
                            + " a new Backend instead of returning the snapshot's"));
            report(fb, b, 1_000_000L, Outcome.SUCCESS, i);
        }
    }

    @Test
    void pick_manyRequests_everyBackendServed() {
        Strategy s = newStrategy();
        BackendSet set = TestBackends.of(8);
        Picker picker = s.update(set);
        LoadFeedback fb = s.feedback();
        Map<String, Integer> seen = new TreeMap<>();
        int picks = 0;
        for (int i = 0; i < 10_000 && seen.size() < set.size(); i++) {
            PickResult r = pick(picker, i, "8 backends");
            picks++;
            if (r.isBackend()) {
                seen.merge(r.backend().id(), 1, Integer::sum);
                report(fb, r.backend(), 1_000_000L, Outcome.SUCCESS, i);
            }
        }
        int made = picks;
        assertEquals(set.size(), seen.size(), () -> violation(
                "every backend of a snapshot gets traffic (here: 8 backends, each pick followed by a 1 ms SUCCESS)",
                "in " + made + " picks only " + seen + " were picked, never " + missing(set, seen.keySet()),
                "an off-by-one in the index (the last or first backend never reached), a modulo over the wrong"
                        + " length, or a request key your picker reads in a way the contract's contexts never"
                        + " vary (override requestContext(i))"));
    }

    @Test
    void pick_manyThreadsWhileSnapshotChanges_onlyPublishedBackendsAndNoErrors() throws Exception {
        Strategy s = newStrategy();
        BackendSet a = TestBackends.of(6);
        BackendSet b = BackendSet.of(TestBackends.backend(3), TestBackends.backend(7), TestBackends.backend(8),
                TestBackends.backend(9, 3));
        Set<Backend> everPublished = new HashSet<>(a.backends());
        everPublished.addAll(b.backends());
        PickerHolder holder = new PickerHolder(s.update(a));
        LoadFeedback fb = s.feedback();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        int threads = 4;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int seed = t;
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 50_000 && !stop.get(); i++) {
                        PickResult r = holder.picker.pick(requestContext(i * 31 + seed));
                        if (r == null) {
                            throw new AssertionError(violation(NEVER_NULL, "a pick returned null", NULL_CAUSE));
                        }
                        if (!r.isBackend()) {
                            continue; // a strategy may reject (rate limits); it must not throw
                        }
                        Backend picked = r.backend();
                        if (!everPublished.contains(picked)) {
                            throw new AssertionError(violation(
                                    "a picker returns only backends of snapshots the writer published",
                                    "a pick returned " + picked + ", never published",
                                    "a new Backend built in pick() instead of returning the snapshot's object"));
                        }
                        report(fb, picked, 500_000L + (i % 7) * 100_000L,
                                i % 13 == 0 ? Outcome.FAILURE : Outcome.SUCCESS, i);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    done.countDown();
                }
            }, "contract-picker-" + t);
            th.setDaemon(true);
            th.start();
        }
        for (int i = 0; i < 200 && done.getCount() > 0; i++) {
            holder.picker = s.update(i % 2 == 0 ? b : a); // the one writer
            Thread.onSpinWait();
        }
        boolean finished = done.await(60, TimeUnit.SECONDS);
        stop.set(true);
        assertTrue(finished, () -> violation(
                "picks and feedback from many threads never block: 4 threads x 50,000 picks end in seconds",
                "the picker threads had not finished after 60 s",
                "a lock (synchronized, a Lock) on the request path that the writer holds while it updates, or"
                        + " a spin loop on a CAS that never succeeds"));
        if (!errors.isEmpty()) {
            Throwable first = errors.peek();
            if (first instanceof AssertionError stated && String.valueOf(stated.getMessage()).startsWith("\nContract:")) {
                errors.stream().skip(1).forEach(stated::addSuppressed);
                throw stated; // already says what was broken
            }
            AssertionError e = new AssertionError(violation(
                    "4 threads pick and report while the writer swaps snapshots, and nothing throws",
                    errors.size() + " picker thread(s) failed, the first with " + first,
                    "a picker or feedback reading state the writer replaces (a non-final array, a map being"
                            + " rebuilt) instead of an immutable snapshot published through one volatile field;"
                            + " or feedback for a backend of an older snapshot looked up without a null check"),
                    first);
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }

    @Test
    void feedback_balancedFromManyThreads_strategyStillServesEveryBackend() throws Exception {
        Strategy s = newStrategy();
        BackendSet set = TestBackends.of(4);
        Picker picker = s.update(set);
        LoadFeedback fb = s.feedback();
        Outcome[] outcomes = Outcome.values();
        Thread[] threads = new Thread[3];
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads.length; t++) {
            int seed = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) {
                        PickResult r = picker.pick(requestContext(i + seed * 100_000));
                        if (r.isBackend()) {
                            report(fb, r.backend(), 1_000_000L, outcomes[(i + seed) % outcomes.length], i);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertTrue(errors.isEmpty(), () -> violation(
                "feedback from 3 threads at once (every onStart followed by one onComplete) never throws",
                errors.size() + " thread(s) failed: " + errors,
                "per-backend state in a plain HashMap or array updated from request threads; use atomics"));
        Map<String, Integer> seen = new TreeMap<>();
        int rejected = 0;
        int picks = 0;
        for (int i = 0; i < 10_000 && seen.size() < set.size(); i++) {
            PickResult r = pick(picker, i, "4 backends after balanced feedback");
            picks++;
            if (r.isBackend()) {
                seen.merge(r.backend().id(), 1, Integer::sum);
            } else {
                rejected++;
            }
        }
        int made = picks;
        int refused = rejected;
        assertEquals(set.size(), seen.size(), () -> violation(
                "feedback that balances leaves every backend usable: after 3 threads x 20,000 picks, each"
                        + " onStart matched by one onComplete with outcomes SUCCESS, FAILURE and IGNORED in turn,"
                        + " every one of the 4 backends is still picked (the ticker does not move in this test)",
                "in " + made + " further picks (no feedback) it picked " + seen + (refused > 0 ? " and rejected "
                        + refused : "") + ", never " + missing(set, seen.keySet()),
                "state that never comes back: a backend that loses every comparison after a FAILURE is never"
                        + " picked again, so it never gets the outcome that would clear it (give it a probe: pick it"
                        + " now and then anyway, or let the penalty expire with context.ticker(); here time stands"
                        + " still, so only a probe helps); or an in-flight count left above zero because IGNORED"
                        + " did not release the slot, or pushed below zero by a completion whose start was not"
                        + " counted"));
    }

    @Test
    void feedback_backendOutsideSnapshot_ignored() {
        Strategy s = newStrategy();
        s.update(TestBackends.of(3));
        Backend stranger = TestBackends.backend(99);
        try {
            s.feedback().onStart(stranger);
            s.feedback().onComplete(stranger, 1_000L, Outcome.FAILURE);
            s.feedback().onComplete(stranger, 1_000L, Outcome.IGNORED);
            s.feedback().onStart(stranger, ticker.read());
            s.feedback().onComplete(stranger, 1_000L, Outcome.FAILURE, ticker.read());
            s.feedback().onComplete(stranger, 1_000L, Outcome.IGNORED, ticker.read());
        } catch (RuntimeException e) {
            fail(violation("feedback for a backend the strategy does not know (it left the snapshot, or never was"
                            + " in it) is ignored",
                    "onStart/onComplete(" + stranger.id() + ", ...) threw " + e,
                    "per-backend state looked up by id with no check for a miss (map.get(id) returned null, or"
                            + " indexOf returned -1)"), e);
        }
    }

    @Test
    void close_oldPickerStillAnswers() {
        Strategy s = newStrategy();
        Picker picker = s.update(TestBackends.of(3));
        s.close();
        PickResult r;
        try {
            r = picker.pick(requestContext(1));
        } catch (RuntimeException e) {
            throw new AssertionError(violation(CLOSED_CONTRACT, "the old picker threw " + e, CLOSED_CAUSE), e);
        }
        assertNotNull(r, () -> violation(CLOSED_CONTRACT, "the old picker returned null", CLOSED_CAUSE));
    }

    @Test
    void pick_steadyState_allocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemorySupported() || !mx.isThreadAllocatedMemoryEnabled()) {
            return; // the JVM cannot count: nothing to check
        }
        Strategy s = newStrategy();
        Picker picker = s.update(TestBackends.of(16));
        LoadFeedback fb = s.feedback();
        RequestContext[] contexts = new RequestContext[1024];
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = requestContext(i);
        }
        for (int i = 0; i < 50_000; i++) { // warm up: class loading, lazy init
            pickAndReport(picker, fb, contexts[i & 1023], i);
        }
        long tid = Thread.currentThread().getId();
        // Up to five windows; the best one counts. A strategy that allocates per pick does so in every window
        // (>= 320,000 bytes each), while a one-off (a JIT recompilation running a method interpreted for a moment,
        // where escape analysis does not remove its temporaries) shows in one window only.
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 5 && allocated >= 4_096; window++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 20_000; i++) {
                pickAndReport(picker, fb, contexts[i & 1023], i);
            }
            allocated = Math.min(allocated, mx.getThreadAllocatedBytes(tid) - before);
        }
        long least = allocated;
        // a few hundred bytes of slack for the measurement itself; one object per pick would be >= 320,000
        assertTrue(least < 4_096, () -> violation(
                "a steady-state pick with its onStart and onComplete allocates nothing (the request path runs"
                        + " for every request; garbage there is GC pauses for everyone)",
                "20,000 picks with feedback over 16 backends allocated " + least + " bytes (about "
                        + least / 20_000 + " per pick) in the best of five runs",
                "boxing (a Map<String, Integer> or Long counter, map.merge), an iterator or stream over a"
                        + " collection, a lambda that captures, a new array or String per pick, or a new"
                        + " PickResult where the Backend itself (or a Rejection constant) is the answer"));
    }

    private static final String NEVER_NULL = "a pick returns a backend of the snapshot or a Rejection constant,"
            + " never null";
    private static final String NULL_CAUSE = "a picker's code path with no return value for a case (a"
            + " rejection written as return null)";
    private static final String CLOSED_CONTRACT = "a picker keeps answering from its own snapshot after"
            + " close(): requests already on their way may still use it";
    private static final String CLOSED_CAUSE = "close() clears state the picker reads (arrays, maps) or the picker"
            + " checks a closed flag; close() should only cancel background tasks";

    /** One pick, turning a throw or a null into a contract message. */
    private PickResult pick(Picker picker, int i, String over) {
        PickResult r;
        try {
            r = picker.pick(requestContext(i));
        } catch (RuntimeException e) {
            throw new AssertionError(violation("a pick never throws: it returns a backend or a Rejection constant",
                    "pick #" + i + " over " + over + " threw " + e,
                    "an index computed over an empty or a stale array (modulo by zero, a count that went"
                            + " negative), or per-backend state missing for a backend of the snapshot"), e);
        }
        assertNotNull(r, () -> violation(NEVER_NULL, "pick #" + i + " over " + over + " returned null", NULL_CAUSE));
        return r;
    }

    private static List<String> ids(BackendSet set) {
        List<String> ids = new ArrayList<>(set.size());
        for (Backend b : set.backends()) {
            ids.add(b.id());
        }
        return ids;
    }

    private static List<String> missing(BackendSet set, Set<String> seen) {
        List<String> missing = new ArrayList<>();
        for (Backend b : set.backends()) {
            if (!seen.contains(b.id())) {
                missing.add(b.id());
            }
        }
        return missing;
    }

    private void pickAndReport(Picker picker, LoadFeedback fb, RequestContext ctx, int i) {
        PickResult r = picker.pick(ctx);
        if (r.isBackend()) {
            report(fb, r.backend(), 2_000_000L, Outcome.SUCCESS, i);
        }
    }

    /**
     * The {@code i}-th request's start and end: with the caller's clock readings (the forms the proxy calls) when
     * {@code i} is even, with the older forms when odd. The ticker stands still in these tests, so both readings are
     * its one value.
     */
    private void report(LoadFeedback fb, Backend b, long latencyNanos, Outcome outcome, int i) {
        if ((i & 1) == 0) {
            long now = ticker.read();
            fb.onStart(b, now);
            fb.onComplete(b, latencyNanos, outcome, now);
        } else {
            fb.onStart(b);
            fb.onComplete(b, latencyNanos, outcome);
        }
    }

    private static final class PickerHolder {
        volatile Picker picker;

        PickerHolder(Picker picker) {
            this.picker = picker;
        }
    }
}
