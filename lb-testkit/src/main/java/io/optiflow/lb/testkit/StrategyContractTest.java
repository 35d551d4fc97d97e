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
import io.optiflow.lb.api.spi.StrategyProvider;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
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
 * for an unknown backend is ignored; a steady-state pick with its feedback allocates nothing.
 *
 * @param <C> the strategy's config type
 */
public abstract class StrategyContractTest<C> {

    private Strategy strategy;

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
        assertTrue(config.isValid(), () -> "rawConfig() must be valid: " + config.errors());
        strategy = provider().newStrategy(config.config(), TestContexts.seeded(42));
        assertNotNull(strategy, "newStrategy returned null");
        return strategy;
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
        for (StrategyProvider<?> each : ServiceLoader.load(StrategyProvider.class, p.getClass().getClassLoader())) {
            if (each.getClass() == p.getClass()) {
                assertEquals(p.name(), each.name());
                found = true;
            }
        }
        assertTrue(found, () -> p.getClass().getName()
                + " is not listed in META-INF/services/io.optiflow.lb.api.spi.StrategyProvider");
    }

    @Test
    void name_isKebabCase() {
        assertTrue(provider().name().matches("[a-z][a-z0-9-]*"),
                () -> "name: '" + provider().name() + "' (expected: kebab-case, [a-z][a-z0-9-]*)");
    }

    @Test
    void schema_everyAttributeDescribedAndDefaultsParse() {
        for (ConfigAttribute a : provider().configSchema().attributes()) {
            assertFalse(a.description().isBlank(), () -> a.name() + ": no description");
        }
        ConfigResult<C> defaults = provider().parseConfig(Map.of());
        assertTrue(defaults.isValid(), () -> "defaults must parse: " + defaults.errors());
    }

    @Test
    void parseConfig_unknownKey_errorNamesTheKey() {
        ConfigResult<C> r = provider().parseConfig(Map.of("no-such-attribute", "1"));
        assertFalse(r.isValid(), "an unknown key must be an error");
        assertTrue(r.errors().stream().anyMatch(e -> e.contains("no-such-attribute")), r.errors()::toString);
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
                        assertTrue(r.errors().stream().anyMatch(e -> e.contains(a.name())),
                                () -> "errors for '" + bad + "' should name " + a.name() + ": " + r.errors());
                    }
                } catch (RuntimeException e) {
                    fail("parseConfig threw for " + a.name() + "='" + bad + "': " + e, e);
                }
            }
        }
    }

    @Test
    void pick_emptySnapshot_noBackend() {
        Picker picker = newStrategy().update(BackendSet.empty());
        for (int i = 0; i < 10; i++) {
            assertSame(Rejection.NO_BACKEND, picker.pick(requestContext(i)));
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
            PickResult r = picker.pick(requestContext(i));
            assertTrue(r.isBackend(), () -> "expected a backend, got " + r);
            Backend b = r.backend();
            assertSame(smaller.find(b.id()), b, () -> b + " is not in the current snapshot " + smaller);
            fb.onStart(b);
            fb.onComplete(b, 1_000_000L, Outcome.SUCCESS);
        }
    }

    @Test
    void pick_manyRequests_everyBackendServed() {
        Strategy s = newStrategy();
        BackendSet set = TestBackends.of(8);
        Picker picker = s.update(set);
        LoadFeedback fb = s.feedback();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000 && seen.size() < set.size(); i++) {
            PickResult r = picker.pick(requestContext(i));
            if (r.isBackend()) {
                seen.add(r.backend().id());
                fb.onStart(r.backend());
                fb.onComplete(r.backend(), 1_000_000L, Outcome.SUCCESS);
            }
        }
        assertEquals(set.size(), seen.size(), () -> "backends never picked in 10,000 requests; seen only " + seen);
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
                        if (!r.isBackend()) {
                            continue; // a strategy may reject (rate limits); it must not throw
                        }
                        Backend picked = r.backend();
                        if (!everPublished.contains(picked)) {
                            throw new AssertionError("picked a backend never published: " + picked);
                        }
                        fb.onStart(picked);
                        fb.onComplete(picked, 500_000L + (i % 7) * 100_000L,
                                i % 13 == 0 ? Outcome.FAILURE : Outcome.SUCCESS);
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
        assertTrue(finished, "picker threads did not finish within 60 s");
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError(errors.size() + " picker thread(s) failed");
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
                            fb.onStart(r.backend());
                            fb.onComplete(r.backend(), 1_000_000L, outcomes[(i + seed) % outcomes.length]);
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
        assertTrue(errors.isEmpty(), () -> "feedback threads failed: " + errors);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000 && seen.size() < set.size(); i++) {
            PickResult r = picker.pick(requestContext(i));
            if (r.isBackend()) {
                seen.add(r.backend().id());
            }
        }
        assertEquals(set.size(), seen.size(), () -> "after balanced feedback only " + seen + " get traffic");
    }

    @Test
    void feedback_backendOutsideSnapshot_ignored() {
        Strategy s = newStrategy();
        s.update(TestBackends.of(3));
        Backend stranger = TestBackends.backend(99);
        s.feedback().onStart(stranger);
        s.feedback().onComplete(stranger, 1_000L, Outcome.FAILURE);
        s.feedback().onComplete(stranger, 1_000L, Outcome.IGNORED);
    }

    @Test
    void close_oldPickerStillAnswers() {
        Strategy s = newStrategy();
        Picker picker = s.update(TestBackends.of(3));
        s.close();
        assertNotNull(picker.pick(requestContext(1)));
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
            pickAndReport(picker, fb, contexts[i & 1023]);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 20_000; i++) {
            pickAndReport(picker, fb, contexts[i & 1023]);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        // a few hundred bytes of slack for the measurement itself; one object per pick would be >= 320,000
        assertTrue(allocated < 4_096, () -> "20,000 picks with feedback allocated " + allocated
                + " bytes (expected: none; the request path must not allocate)");
    }

    private static void pickAndReport(Picker picker, LoadFeedback fb, RequestContext ctx) {
        PickResult r = picker.pick(ctx);
        if (r.isBackend()) {
            fb.onStart(r.backend());
            fb.onComplete(r.backend(), 2_000_000L, Outcome.SUCCESS);
        }
    }

    private static final class PickerHolder {
        volatile Picker picker;

        PickerHolder(Picker picker) {
            this.picker = picker;
        }
    }
}
