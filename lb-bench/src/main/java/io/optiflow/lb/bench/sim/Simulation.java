package io.optiflow.lb.bench.sim;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.LoadFeedback;
import io.optiflow.lb.api.Outcome;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.StrategyProvider;
import io.optiflow.lb.testkit.SeededRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A deterministic discrete-event simulation of one strategy in front of simulated backends, in virtual time.
 *
 * <p>The strategy is the real one: its provider parses the config, its {@link Picker} chooses every backend and its
 * {@link LoadFeedback} hears every start and completion, in the order a proxy would report them. It reads the
 * virtual clock as its {@link io.optiflow.lb.api.spi.Ticker} and draws from a {@link SeededRandom}, so a run is a
 * pure function of (strategy, config, workload, seed). Events at the same instant run in the order they were
 * scheduled. Single-threaded.
 */
public final class Simulation {

    private static final long SECOND = 1_000_000_000L;
    /** A closed-loop client whose pick is rejected tries again this much later. */
    private static final long RETRY_AFTER = 1_000_000L;

    /**
     * Strategies get a real scheduler, since the SPI asks for one; a strategy that uses it for time-driven work
     * would make runs depend on wall-clock time. None of the built-ins schedules anything today.
     */
    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "simulation-scheduler");
        t.setDaemon(true);
        return t;
    });

    private final Workload workload;
    private final long seed;
    private final VirtualClock clock = new VirtualClock();
    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long sequence;

    private final Backend[] backends;
    private final BackendSet set;
    private final int[] active;
    private final List<ArrayDeque<Request>> queues = new ArrayList<>();
    private final int[][] perSecond;
    private long[] latencies = new long[1024];
    private int completed;
    private long rejected;
    private long failed;
    private int sent;

    private Picker picker;
    private LoadFeedback feedback;

    private Simulation(Workload workload, long seed) {
        this.workload = workload;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        List<String> ids = Workload.ids(workload.backends());
        this.backends = new Backend[ids.size()];
        for (int i = 0; i < backends.length; i++) {
            backends[i] = new Backend(ids.get(i), "127.0.0.1", 20_001 + i, Backend.DEFAULT_WEIGHT, Map.of());
            queues.add(new ArrayDeque<>());
        }
        this.set = BackendSet.of(backends);
        this.active = new int[backends.length];
        long horizon = workload.isClosedLoop() ? 3_600 : workload.durationNanos() / SECOND + 1;
        this.perSecond = new int[backends.length][(int) Math.min(horizon, 3_600)];
    }

    /**
     * Runs {@code workload} against the strategy of {@code provider} with {@code rawConfig}.
     *
     * @throws IllegalArgumentException when the config does not parse
     */
    public static <C> SimResult run(StrategyProvider<C> provider, Map<String, String> rawConfig, Workload workload,
                                    long seed) {
        ConfigResult<C> config = provider.parseConfig(rawConfig);
        if (!config.isValid()) {
            throw new IllegalArgumentException(provider.name() + " config " + rawConfig + ": " + config.errors());
        }
        Simulation sim = new Simulation(workload, seed);
        // The strategy's draws are a stream of their own, so its randomness does not shift the workload's.
        Strategy strategy = provider.newStrategy(config.config(), StrategyContext.of("simulation", sim.clock,
                new SeededRandom(seed * 0x9E3779B97F4A7C15L + 1), SCHEDULER));
        try {
            return sim.run(strategy);
        } finally {
            strategy.close();
        }
    }

    private SimResult run(Strategy strategy) {
        picker = strategy.update(set);
        feedback = strategy.feedback();
        if (workload.isClosedLoop()) {
            for (int c = 0; c < workload.clients() && sent < workload.totalRequests(); c++) {
                send();
            }
        } else {
            schedule(nextArrivalGap(), Kind.ARRIVAL, null);
        }
        Event e;
        while ((e = events.poll()) != null) {
            clock.advanceTo(e.time);
            switch (e.kind) {
                case ARRIVAL -> {
                    send();
                    long next = clock.read() + nextArrivalGap();
                    if (next < workload.durationNanos()) {
                        schedule(next - clock.read(), Kind.ARRIVAL, null);
                    }
                }
                case RETRY -> send();
                case COMPLETE -> complete(e.request);
            }
        }
        long[] sorted = Arrays.copyOf(latencies, completed);
        Arrays.sort(sorted);
        return new SimResult(sorted, perSecond, rejected, clock.read(), failed);
    }

    private long nextArrivalGap() {
        // Exponential gaps: Poisson arrivals at the workload's mean rate.
        return Math.max(1L, Math.round(-Math.log(1.0 - random.nextDouble()) * SECOND / workload.ratePerSecond()));
    }

    /** One request: pick, tell the strategy it started, queue or serve it. */
    private void send() {
        long now = clock.read();
        if (workload.isClosedLoop()) {
            sent++;
        }
        PickResult r = picker.pick(RequestContext.of("/", random.nextLong()));
        if (!r.isBackend()) {
            rejected++;
            if (workload.isClosedLoop()) {
                sent--; // the client has not been served: it tries again shortly
                schedule(RETRY_AFTER, Kind.RETRY, null);
            }
            return;
        }
        int b = set.indexOf(r.backend().id());
        if (b < 0) {
            throw new IllegalStateException("picked a backend outside the snapshot: " + r.backend());
        }
        int second = (int) (now / SECOND);
        if (second < perSecond[b].length) {
            perSecond[b][second]++;
        }
        feedback.onStart(backends[b], now); // as the proxy does: the reading taken before the pick
        Request req = new Request(b, now, new boolean[1]);
        if (active[b] < workload.maxConcurrent()) {
            startService(req);
        } else {
            queues.get(b).add(req);
        }
    }

    private void startService(Request req) {
        active[req.backend]++;
        long service = workload.serviceTime().sampleNanos(req.backend, clock.read(), random);
        Workload.Failures f = workload.failures();
        if (req.backend == f.backend() && random.nextDouble() < f.probability()) {
            req.failed[0] = true;
            service = f.failNanos();
        }
        schedule(service, Kind.COMPLETE, req);
    }

    private void complete(Request req) {
        long now = clock.read();
        long latency = now - req.pickedAt;
        active[req.backend]--;
        boolean fail = req.failed[0];
        if (fail) {
            failed++;
        }
        // As the proxy does: the completion's time goes with it (LoadFeedback's four-argument form).
        feedback.onComplete(backends[req.backend], latency, fail ? Outcome.FAILURE : Outcome.SUCCESS, now);
        if (completed == latencies.length) {
            latencies = Arrays.copyOf(latencies, completed * 2);
        }
        latencies[completed++] = latency;
        Request waiting = queues.get(req.backend).poll();
        if (waiting != null) {
            startService(waiting);
        }
        if (workload.isClosedLoop() && sent < workload.totalRequests()) {
            send(); // this client's next request
        }
    }

    private void schedule(long delay, Kind kind, Request request) {
        events.add(new Event(clock.read() + delay, sequence++, kind, request));
    }

    private enum Kind { ARRIVAL, RETRY, COMPLETE }

    /** One request; {@code failed[0]} is decided when service starts. */
    private record Request(int backend, long pickedAt, boolean[] failed) {
    }

    private record Event(long time, long seq, Kind kind, Request request) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    @Override
    public String toString() {
        return "Simulation[" + workload + ", seed " + seed + "]";
    }
}
