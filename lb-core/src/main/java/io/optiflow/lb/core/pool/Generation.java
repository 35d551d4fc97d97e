package io.optiflow.lb.core.pool;

import io.optiflow.lb.api.LoadFeedback;

/**
 * One strategy instance in force for a while: its feedback and its place in the handover chain. Membership and
 * health updates keep the generation (only the picker changes); a strategy switch makes a new one with the next
 * epoch and links it as the {@link #successor} of the old one.
 */
final class Generation {

    final StrategyInstance instance;
    final LoadFeedback feedback;
    final int epoch;
    /** The generation that replaced this one; null while this one is current. Written once, by the writer. */
    volatile Generation successor;

    Generation(StrategyInstance instance, LoadFeedback feedback, int epoch) {
        this.instance = instance;
        this.feedback = feedback == null ? LoadFeedback.NOOP : feedback;
        this.epoch = epoch;
    }
}
