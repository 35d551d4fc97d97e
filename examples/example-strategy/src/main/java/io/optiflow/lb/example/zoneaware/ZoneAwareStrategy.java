package io.optiflow.lb.example.zoneaware;

import io.optiflow.lb.api.Backend;
import io.optiflow.lb.api.BackendSet;
import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Called by one writer; all the work (filtering by zone) happens here, so the picker only indexes an array. */
final class ZoneAwareStrategy implements Strategy {

    private final ZoneAwareConfig config;
    /** Shared by every picker of this strategy, so the rotation continues across updates. */
    private final AtomicInteger next = new AtomicInteger();
    private BackendSet last;
    private Picker lastPicker = Picker.NO_BACKEND;

    ZoneAwareStrategy(ZoneAwareConfig config) {
        this.config = config;
    }

    @Override
    public Picker update(BackendSet healthy) {
        if (healthy.equals(last)) {
            return lastPicker; // nothing changed: keep the picker the proxy already has
        }
        last = healthy;
        lastPicker = healthy.isEmpty() ? Picker.NO_BACKEND : new ZoneAwarePicker(candidates(healthy), next);
        return lastPicker;
    }

    private Backend[] candidates(BackendSet healthy) {
        if (config.zone() != null) {
            List<Backend> local = new ArrayList<>();
            for (Backend b : healthy.backends()) {
                if (config.zone().equals(b.labels().get(config.label()))) {
                    local.add(b);
                }
            }
            if (!local.isEmpty()) {
                return local.toArray(new Backend[0]);
            }
        }
        return healthy.backends().toArray(new Backend[0]); // no preference, or the zone is empty: use all
    }
}
