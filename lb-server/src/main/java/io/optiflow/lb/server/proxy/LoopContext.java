package io.optiflow.lb.server.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.server.accesslog.AccessLog;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What one event loop owns: its backend connection pools (so a request and its backend connection share a thread:
 * no hand-over), the coarse timer that sweeps its busy backend connections, the channels written during the
 * current read cycle (flushed once at its end), and its count of requests in flight. Touched only from the loop's
 * own thread; {@link #inFlight} is also read by shutdown from other threads.
 */
final class LoopContext {

    /** Resolution of the coarse timer: backend silence is noticed within this much of its limit. */
    static final long TICK_MILLIS = 50;
    /** Client-side deadlines (seconds long) are checked every this many ticks. */
    static final int SWEEP_TICKS = 5;
    /** Backend objects the pools' identity table holds at most before it starts over. */
    private static final int POOL_KEYS_MAX = 32;

    /** Something on this loop with a deadline in ticks, checked by the loop's sweep (no timer of its own). */
    interface Timed {
        /** Acts if a deadline has passed at {@code tick}. */
        void onSweep(long tick);

        /** Its place in the sweep list; -1 when not in it. */
        int sweepIndex();

        void sweepIndex(int index);
    }

    private static final VarHandle IN_FLIGHT;

    static {
        try {
            IN_FLIGHT = MethodHandles.lookup().findVarHandle(LoopContext.class, "inFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final EventLoop loop;
    final DataPlane plane;
    /** The data plane's access log, or null when it is off: one test of this final field per request and end. */
    final AccessLog accessLog;
    private final HashMap<String, BackendPool> pools = new HashMap<>();
    /**
     * {@link #pools} by the {@link Backend} objects the strategies return, by identity: one identity hash per attempt
     * instead of the id's hash and a string compare. Objects of older snapshots stay until it holds
     * {@link #POOL_KEYS_MAX}, or pools are dropped, and then it starts over.
     */
    private final IdentityHashMap<Backend, BackendPool> poolsByObject = new IdentityHashMap<>();
    private Channel[] dirty = new Channel[16];
    private int dirtyCount;
    private boolean streamDirty;
    private boolean flushQueued;
    private final Runnable flushTask = () -> {
        flushQueued = false;
        flushDirty();
    };
    private BackendConnection[] busy = new BackendConnection[64];
    private int busyCount;
    private Timed[] timed = new Timed[64];
    private int timedCount;
    /** Ticks of {@link #TICK_MILLIS} since start: the coarse clock for timeouts, no clock read per event. */
    long tick;
    private volatile int inFlight;
    private final java.util.ArrayList<Exchange> tunnels = new java.util.ArrayList<>();
    private volatile int tunnelCount;

    LoopContext(EventLoop loop, DataPlane plane) {
        this.loop = loop;
        this.plane = plane;
        this.accessLog = plane.accessLog;
    }

    void start() {
        loop.scheduleAtFixedRate(this::onTick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    BackendPool pool(Backend b) {
        BackendPool p = poolsByObject.get(b);
        if (p == null) {
            p = poolById(b);
            if (poolsByObject.size() >= POOL_KEYS_MAX) {
                poolsByObject.clear();
            }
            poolsByObject.put(b, p);
        }
        return p;
    }

    private BackendPool poolById(Backend b) {
        BackendPool p = pools.get(b.id());
        if (p == null) {
            p = new BackendPool(this, b.host(), b.port(), plane.perLoopMaxConnections(),
                    "https".equals(b.labels().get(BackendSpec.SCHEME_LABEL)));
            pools.put(b.id(), p);
        }
        return p;
    }

    /** Closes the idle connections of pools of backends not in {@code ids}; forgets such pools once unused. */
    void retainPools(java.util.Set<String> ids) {
        poolsByObject.clear(); // none may lead to a pool dropped here
        pools.entrySet().removeIf(e -> {
            if (ids.contains(e.getKey())) {
                return false;
            }
            BackendPool p = e.getValue();
            p.closeIdle();
            return p.isUnused();
        });
    }

    /** Marks {@code ch} as written to without a flush; {@link #flushDirty} flushes it after the selector's pass. */
    void markDirty(Channel ch) {
        if (ch instanceof Http2StreamChannel) {
            streamDirty = true;
        }
        for (int i = 0; i < dirtyCount; i++) {
            if (dirty[i] == ch) {
                return;
            }
        }
        if (dirtyCount == dirty.length) {
            dirty = java.util.Arrays.copyOf(dirty, dirtyCount * 2);
        }
        dirty[dirtyCount++] = ch;
    }

    /**
     * The end of one channel's read cycle: what the loop wrote waits until every channel the selector reported in
     * this pass has been read, then goes out in one pass of flushes (a task, which Netty runs after the pass).
     */
    void flushAfterPass() {
        if (streamDirty) {
            // An HTTP/2 stream's writes reach the socket through its connection's flush, which Netty's stream
            // channels skip while that connection is inside a read; they keep the flush of the read cycle.
            flushDirty();
            return;
        }
        if (dirtyCount > 0 && !flushQueued) {
            flushQueued = true;
            loop.execute(flushTask);
        }
    }

    /**
     * Flushes every channel written since the last flush, last marked first. A flush can write again on this loop (a
     * drained backend turns writable, the client is read on, its bytes go to the backend) and mark or flush from
     * inside: the list is popped from its end, so a channel marked meanwhile is flushed by this call or the inner
     * one, never lost, and an inner call has flushed everything when it returns.
     */
    void flushDirty() {
        streamDirty = false;
        while (dirtyCount > 0) {
            Channel ch = dirty[--dirtyCount];
            dirty[dirtyCount] = null;
            ch.flush();
        }
    }

    // Single writer (this loop): a plain read and a release store, no fence per request. Shutdown, on another thread,
    // reads the count with a volatile read and polls it, so a store that shows a little later costs it nothing.
    void requestStarted() {
        IN_FLIGHT.setRelease(this, (int) IN_FLIGHT.get(this) + 1);
    }

    void requestEnded() {
        IN_FLIGHT.setRelease(this, (int) IN_FLIGHT.get(this) - 1);
    }

    int inFlight() {
        return inFlight;
    }

    void tunnelOpened(Exchange x) {
        tunnels.add(x);
        tunnelCount = tunnels.size();
    }

    void tunnelClosed(Exchange x) {
        tunnels.remove(x);
        tunnelCount = tunnels.size();
    }

    int tunnelCount() {
        return tunnelCount;
    }

    /** A copy of this loop's open tunnels (shutdown; on the loop's thread). */
    Exchange[] tunnels() {
        return tunnels.toArray(new Exchange[0]);
    }

    /** A backend connection now carries a request: its silence is watched. */
    void watch(BackendConnection c) {
        if (c.busyIndex >= 0) {
            return;
        }
        if (busyCount == busy.length) {
            busy = java.util.Arrays.copyOf(busy, busyCount * 2);
        }
        c.busyIndex = busyCount;
        busy[busyCount++] = c;
        c.lastTick = tick;
    }

    void unwatch(BackendConnection c) {
        int i = c.busyIndex;
        if (i < 0) {
            return;
        }
        BackendConnection last = busy[--busyCount];
        busy[i] = last;
        last.busyIndex = i;
        busy[busyCount] = null;
        c.busyIndex = -1;
    }

    /** Puts {@code t} on the sweep list (no-op when it is on it). */
    void sweep(Timed t) {
        if (t.sweepIndex() >= 0) {
            return;
        }
        if (timedCount == timed.length) {
            timed = java.util.Arrays.copyOf(timed, timedCount * 2);
        }
        t.sweepIndex(timedCount);
        timed[timedCount++] = t;
    }

    /** Takes {@code t} off the sweep list. */
    void unsweep(Timed t) {
        int i = t.sweepIndex();
        if (i < 0) {
            return;
        }
        Timed last = timed[--timedCount];
        timed[i] = last;
        last.sweepIndex(i);
        timed[timedCount] = null;
        t.sweepIndex(-1);
    }

    /**
     * The time surely gone by at tick {@code tick} since an event at tick {@code fromTick}, in milliseconds: the
     * event came somewhere inside its tick, up to a tick before the next began, so only the whole ticks after it
     * count. Every deadline of the loop compares this with its length, so it fires between that length and one tick
     * more, never early (counting from {@code fromTick} itself, FaultsIT once saw a 1 s backend timeout answer 504
     * after 999 ms).
     */
    static long elapsedMillis(long fromTick, long tick) {
        return Math.max(0, tick - fromTick - 1) * TICK_MILLIS;
    }

    private void onTick() {
        long now = ++tick;
        // Backwards: a timeout unwatches its connection (swap with the last), which must not skip an entry.
        for (int i = busyCount - 1; i >= 0; i--) {
            if (i >= busyCount) {
                continue;
            }
            BackendConnection c = busy[i];
            if (elapsedMillis(c.lastTick, now) >= c.timeoutMillis()) {
                c.timedOut();
            }
        }
        if (now % SWEEP_TICKS == 0) {
            // Backwards for the same reason: an expiry takes its entry off the list.
            for (int i = timedCount - 1; i >= 0; i--) {
                if (i < timedCount) {
                    timed[i].onSweep(now);
                }
            }
        }
        plane.onTick(this);
        flushDirty();
    }
}
