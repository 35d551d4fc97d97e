package io.optiflow.lb.dashboard.charts;

import io.optiflow.lb.core.stats.ServiceHistory;
import io.optiflow.lb.core.stats.ServiceSample;
import io.optiflow.lb.dashboard.live.PerTick;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Pictures drawn once per sample and shared by every open page ({@link PerTick}): a picture is a pure function of the
 * sampler's snapshot, so the second to tenth dashboard showing a service reuse the first one's SVG text instead of
 * drawing it again.
 */
public final class Drawings {

    private Drawings() {
    }

    /** The picture {@code key} of snapshot {@code sequence}: drawn by {@code draw} the first time, then shared. */
    public static String of(String key, long sequence, Supplier<String> draw) {
        return PerTick.of("svg/" + key, sequence, draw);
    }

    /** {@link #colours(ServiceHistory)} of service {@code service} at snapshot {@code sequence}, shared. */
    public static Map<String, Integer> colours(String service, long sequence, ServiceHistory history) {
        return PerTick.of("colours/" + service, sequence, () -> colours(history));
    }

    /**
     * A colour index per backend: its place among every backend id in the history, sorted. The same on every page
     * (and in the legend), and stable while the backends stay.
     */
    public static Map<String, Integer> colours(ServiceHistory history) {
        TreeSet<String> ids = new TreeSet<>();
        for (ServiceSample s : history.samples()) {
            s.backends().forEach(b -> ids.add(b.id()));
        }
        Map<String, Integer> out = new HashMap<>();
        for (String id : ids) {
            out.put(id, out.size());
        }
        return Map.copyOf(out);
    }
}
