package io.optiflow.lb.server.ratelimit;

import io.optiflow.lb.server.config.InvalidConfigException;
import io.optiflow.lb.server.config.LbConfig;
import io.optiflow.lb.server.config.ServiceSettings;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * Cluster-wide rate limits ({@code lb.services.<name>.rate-limit.scope=cluster}): each limit is a GCRA bucket in
 * Redis, taken from by an atomic Lua script that grants a batch of permits at once; each replica spends its batch
 * locally ({@link ClusterBucket}), so the request path never waits for Redis. One thread of its own asks Redis for
 * batches and, each second, sends a heartbeat that counts the replicas (for the {@code local} fallback: the limit
 * divided by them) and notices Redis going away and coming back. Reported in readiness detail and metrics like a lost
 * state store (docs/cluster.md).
 */
@Singleton
public class ClusterRateLimits {

    /** A batch is about this much of the limit. */
    static final double BATCH_SECONDS = 0.02;
    static final String PREFIX = "optiflow:rl:";
    private static final Logger LOG = Logger.getLogger(ClusterRateLimits.class);
    /** A batch request waits this long at most (then Redis counts as down until the next heartbeat answers). */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** A heartbeat (also the first connection) waits this long at most. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long REPLICA_WINDOW_MICROS = 5_000_000;

    /**
     * Grants up to ARGV[3] permits of a GCRA bucket (interval ARGV[1] us, tolerance ARGV[2] us); {granted, wait us}.
     * Times are microseconds of Redis' clock, written with %d (Lua would print 16 digits as 1.7e+15).
     */
    static final String TAKE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local tolerance = tonumber(ARGV[2])
            local n = tonumber(ARGV[3])
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then tat = now end
            local k = math.floor((now + tolerance - tat) / interval)
            if k > n then k = n end
            if k < 0 then k = 0 end
            if k > 0 then
              tat = tat + k * interval
              redis.call('SET', KEYS[1], string.format('%d', tat), 'PX', math.floor((tat - now) / 1000) + 1000)
            end
            local wait = 0
            if k < n then wait = tat + interval - tolerance - now end
            return {k, wait}
            """;

    /** Records ARGV[1] as alive now; the count of replicas seen in the last ARGV[2] us. */
    static final String HEARTBEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            redis.call('ZADD', KEYS[1], string.format('%d', now), ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now - tonumber(ARGV[2])))
            redis.call('PEXPIRE', KEYS[1], 60000)
            return redis.call('ZCARD', KEYS[1])
            """;

    @Inject
    LbConfig config;

    @Inject
    Instance<ReactiveRedisDataSource> redisClient;

    private final ConcurrentLinkedQueue<ClusterBucket> refills = new ConcurrentLinkedQueue<>();
    private volatile ReactiveRedisDataSource redis;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean up;
    private volatile int replicas = 1;
    private volatile Instant since = Instant.now();
    private volatile String problem = "not reached yet";
    private boolean heardOf; // refill thread: whether Redis' state was logged once
    private String replicaId;
    private volatile LongConsumer roundTrips = nanos -> { };

    /** The limiter of a service: local buckets, or shares of Redis buckets when its scope is cluster. */
    public RateLimiter limiter(ServiceSettings s, long nowNanos) {
        LbConfig.Service c = config.services().get(s.name());
        String scope = c == null ? "local" : c.rateLimit().scope();
        String fallback = c == null ? "local" : c.rateLimit().clusterFallback();
        checkChoice("lb.services." + s.name() + ".rate-limit.scope", scope, "local or cluster");
        checkChoice("lb.services." + s.name() + ".rate-limit.cluster-fallback", fallback, "local or open");
        if (scope.equals("local") || (s.rps() <= 0 && s.clientRps() <= 0)) {
            return new RateLimiter(s.rps(), s.burst(), s.clientRps(), s.clientBurst(), nowNanos);
        }
        start(s.name());
        boolean open = fallback.equals("open");
        String key = PREFIX + s.name();
        Permits service = s.rps() > 0 ? new ClusterBucket(this, key, s.rps(), s.burst(), open, nowNanos) : null;
        Permits.Factory clients = s.clientRps() > 0
                ? (client, now) -> new ClusterBucket(this, key + ":c:" + client, s.clientRps(), s.clientBurst(), open,
                        now)
                : null;
        LOG.infof("service %s: rate limits cluster-wide through Redis (fallback when Redis is down: %s)", s.name(),
                fallback);
        return new RateLimiter(service, clients, nowNanos);
    }

    private static void checkChoice(String key, String value, String expected) {
        if (!(expected.startsWith(value + " ") || expected.endsWith(" " + value))) {
            throw new InvalidConfigException(List.of(key + ": '" + value + "' (expected: " + expected + ")"));
        }
    }

    private synchronized void start(String service) {
        if (thread != null) {
            return;
        }
        try {
            redis = redisClient.get();
        } catch (RuntimeException e) {
            throw new InvalidConfigException(List.of("lb.services." + service + ".rate-limit.scope: 'cluster' needs"
                    + " Redis: set quarkus.redis.hosts (e.g. redis://10.0.0.9:6379) (" + e.getMessage() + ")"));
        }
        replicaId = config.state().replicaId().orElse(ProcessHandle.current().pid() + "@"
                + System.getenv().getOrDefault("HOSTNAME", "localhost"));
        running = true;
        Thread t = new Thread(this::run, "lb-ratelimit-redis");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Whether cluster limits are in use at all. */
    public boolean isActive() {
        return thread != null;
    }

    /** Whether Redis answers (read on the request path: one volatile load). */
    public boolean isUp() {
        return up;
    }

    public Instant since() {
        return since;
    }

    /** Why Redis is not used now, or null. */
    public String problem() {
        return up ? null : problem;
    }

    /**
     * Each batch request's round trip to Redis, in nanoseconds, as it is answered (metrics: the cluster admits its
     * full limit only while round trips stay well below {@code burst / rate}, docs/cluster.md).
     */
    public void roundTripsTo(LongConsumer consumer) {
        roundTrips = consumer;
    }

    /** Replicas that counted on Redis in the last 5 s (as last heard). */
    public int replicas() {
        return replicas;
    }

    /** Asks for a batch for {@code b} (request path: one queue node and an unpark, once per batch). */
    void refillSoon(ClusterBucket b) {
        refills.offer(b);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void run() {
        long nextBeat = 0;
        while (running) {
            long now = System.nanoTime();
            if (now >= nextBeat) {
                heartbeat();
                nextBeat = now + HEARTBEAT_NANOS;
            }
            ClusterBucket b = refills.poll();
            if (b == null) {
                LockSupport.parkNanos(this, Math.max(1, nextBeat - System.nanoTime()));
                continue;
            }
            refill(b);
        }
    }

    private void refill(ClusterBucket b) {
        if (!up) {
            b.queued.set(false);
            return;
        }
        try {
            long asked = System.nanoTime();
            Response r = redis.execute("EVAL", TAKE, "1", b.key, Long.toString(b.intervalMicros),
                    Long.toString(b.toleranceMicros), Long.toString(b.wanted())).await().atMost(TIMEOUT);
            long now = System.nanoTime();
            roundTrips.accept(now - asked);
            b.granted(r.get(0).toLong(), r.get(1).toLong(), now);
        } catch (RuntimeException e) {
            b.queued.set(false);
            down(e);
        }
    }

    private void heartbeat() {
        try {
            Response r = redis.execute("EVAL", HEARTBEAT, "1", PREFIX + "replicas", replicaId,
                    Long.toString(REPLICA_WINDOW_MICROS)).await().atMost(HEARTBEAT_TIMEOUT);
            replicas = Math.max(1, r.toInteger());
            if (!up) {
                up = true;
                heardOf = true;
                since = Instant.now();
                LOG.infof("Redis answers: rate limits are cluster-wide again (%d replicas counted)", replicas);
            }
        } catch (RuntimeException e) {
            down(e);
        }
    }

    private void down(RuntimeException e) {
        problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (up || !heardOf) {
            heardOf = true;
            up = false;
            since = Instant.now();
            LOG.warnf("Redis can't be reached (%s): rate limits fall back to each service's cluster-fallback"
                    + " (local: the limit divided by %d replicas; open: no limit) until it answers", problem, replicas);
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
