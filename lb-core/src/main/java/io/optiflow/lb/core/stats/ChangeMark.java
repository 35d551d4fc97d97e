package io.optiflow.lb.core.stats;

import java.time.Instant;

/**
 * Something that changed the traffic picture, found by comparing two consecutive samples: a strategy switch, a
 * backend added or removed, a weight, admin state or health change. Marked on the dashboard's time chart.
 *
 * @param at      the sample that first showed it
 * @param kind    what changed
 * @param backend the backend concerned, or null for a strategy switch
 * @param text    one short line, e.g. {@code strategy round-robin -> least-connections}
 */
public record ChangeMark(Instant at, Kind kind, String backend, String text) {

    /** What changed. */
    public enum Kind { STRATEGY, BACKEND }
}
