package io.optiflow.lb.server.proxy;

/**
 * An exchange waiting for a slot of its service ({@link Admission}): started on its own event loop once a slot is
 * handed to it; answered 503 with Retry-After when it has waited {@code queue-timeout} (checked by the loop's sweep).
 */
final class QueuedStart extends Admission.Waiter implements LoopContext.Timed {

    private final Exchange exchange;
    private final ClientConnection client;
    private final Admission admission;
    private final LoopContext loop;
    private final long since;
    private int index = -1;

    QueuedStart(Exchange exchange, ClientConnection client, Admission admission) {
        this.exchange = exchange;
        this.client = client;
        this.admission = admission;
        this.loop = client.loop;
        this.since = loop.tick;
    }

    /** Waits in the queue; false when it is full. On the loop. */
    boolean enqueue() {
        loop.sweep(this);
        if (!admission.enqueue(this)) {
            loop.unsweep(this);
            return false;
        }
        return true;
    }

    @Override
    void admitted() {
        loop.loop.execute(() -> {
            loop.unsweep(this);
            client.startAdmitted(exchange);
            loop.flushDirty();
        });
    }

    @Override
    public void onSweep(long tick) {
        if (LoopContext.elapsedMillis(since, tick) < admission.queueTimeoutMillis) {
            return;
        }
        loop.unsweep(this);
        if (giveUp()) {
            admission.remove(this);
            admission.countRefused();
            exchange.refuse(503, "Service '" + exchange.serviceName() + "' is at its limit of requests in flight"
                    + " and its queue did not move within " + admission.queueTimeoutMillis + " ms; retry later.", 1);
        }
    }

    /** The client left while waiting: out of the queue (if the slot came meanwhile, the start gives it back). */
    void cancel() {
        loop.unsweep(this);
        if (giveUp()) {
            admission.remove(this);
        }
    }

    @Override
    public int sweepIndex() {
        return index;
    }

    @Override
    public void sweepIndex(int i) {
        index = i;
    }
}
