package io.optiflow.lb.dashboard.charts;

import io.optiflow.lb.core.stats.ServiceHistory;
import io.optiflow.lb.core.stats.ServiceSample;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Pictures drawn once per sample and shared by every open page: a picture is a pure function of the sampler's
 * snapshot, so the second to tenth dashboard showing a service reuse the first one's SVG text instead of drawing it
 * again. Keeps only the newest picture per key.
 */
public final class Drawings {

    private record Drawn(long sequence, String svg) {
    }

    private static final Map<String, Drawn> LATEST = new ConcurrentHashMap<>();

    private Drawings() {
    }

    /** The picture {@code key} of snapshot {@code sequence}: drawn by {@code draw} the first time, then shared. */
    public static String of(String key, long sequence, Supplier<String> draw) {
        Drawn d = LATEST.get(key);
        if (d != null && d.sequence() == sequence) {
            return d.svg();
        }
        String svg = draw.get();
        LATEST.put(key, new Drawn(sequence, svg));
        return svg;
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
        return out;
    }
}
