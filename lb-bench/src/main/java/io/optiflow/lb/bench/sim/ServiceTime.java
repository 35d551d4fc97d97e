package io.optiflow.lb.bench.sim;

import java.util.random.RandomGenerator;

/** How long a backend takes to serve one request that starts service at a given virtual time. */
@FunctionalInterface
public interface ServiceTime {

    /**
     * @param backend index of the backend in the simulation's list
     * @param startNanos virtual time the request starts service (after any wait in the backend's queue)
     * @param random the workload's seeded random numbers
     * @return service time in nanoseconds, {@code >= 0}
     */
    long sampleNanos(int backend, long startNanos, RandomGenerator random);

    /** Uniform in {@code [0, max)}, per backend. */
    static ServiceTime uniform(long... maxNanos) {
        return (b, t, r) -> (long) (r.nextDouble() * maxNanos[b]);
    }

    /** Normal with this mean and standard deviation, cut at 0. */
    static ServiceTime normal(long meanNanos, long sdNanos) {
        return (b, t, r) -> Math.max(0L, Math.round(meanNanos + sdNanos * r.nextGaussian()));
    }

    /** This service time, except that a share {@code probability} of requests takes uniform [min, max) instead. */
    default ServiceTime withTail(double probability, long minNanos, long maxNanos) {
        ServiceTime normal = this;
        return (b, t, r) -> r.nextDouble() < probability ? minNanos + (long) (r.nextDouble() * (maxNanos - minNanos))
                : normal.sampleNanos(b, t, r);
    }

    /** This service time plus {@code extraNanos} for backend {@code index}, always. */
    default ServiceTime slowerBy(int index, long extraNanos) {
        ServiceTime normal = this;
        return (b, t, r) -> normal.sampleNanos(b, t, r) + (b == index ? extraNanos : 0L);
    }

    /** {@code slow} for backend {@code index} while {@code from <= start < to}; this service time otherwise. */
    default ServiceTime withSlowSpell(int index, long from, long to, ServiceTime slow) {
        ServiceTime normal = this;
        return (b, t, r) -> b == index && t >= from && t < to ? slow.sampleNanos(b, t, r)
                : normal.sampleNanos(b, t, r);
    }
}
