package io.optiflow.lb.example.zoneaware;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.PickResult;
import io.optiflow.lb.api.RequestContext;
import io.optiflow.lb.api.spi.Picker;
import java.util.concurrent.atomic.AtomicInteger;

/** Immutable over one snapshot: final array, one shared counter; no lock, no allocation. */
final class ZoneAwarePicker implements Picker {

    private final Backend[] candidates;
    private final AtomicInteger next;

    ZoneAwarePicker(Backend[] candidates, AtomicInteger next) {
        this.candidates = candidates;
        this.next = next;
    }

    @Override
    public PickResult pick(RequestContext ctx) {
        // floorMod keeps the index valid after the counter wraps past Integer.MAX_VALUE
        return candidates[Math.floorMod(next.getAndIncrement(), candidates.length)];
    }
}
