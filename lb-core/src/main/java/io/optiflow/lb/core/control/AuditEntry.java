package io.optiflow.lb.core.control;

import java.time.Instant;

/**
 * One acknowledged change.
 *
 * @param at      when
 * @param actor   who (the authenticated user name)
 * @param action  e.g. {@code strategy.switch}, {@code backend.add}, {@code backend.update}, {@code backend.remove}
 * @param target  e.g. {@code service/backend-id}
 * @param before  the value before (JSON text or a short string; null when none)
 * @param after   the value after (null when removed)
 * @param replica the id of the replica that took the change (null in entries written before cluster mode)
 */
public record AuditEntry(Instant at, String actor, String action, String target, String before, String after,
                         String replica) {

    /** An entry without a replica id. */
    public AuditEntry(Instant at, String actor, String action, String target, String before, String after) {
        this(at, actor, action, target, before, after, null);
    }
}
