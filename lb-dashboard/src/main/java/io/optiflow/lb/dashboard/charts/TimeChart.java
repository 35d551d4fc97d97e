package io.optiflow.lb.dashboard.charts;

import com.vaadin.flow.component.html.Div;
import io.optiflow.lb.core.stats.BackendSample;
import io.optiflow.lb.core.stats.ChangeMark;
import io.optiflow.lb.core.stats.ServiceHistory;
import io.optiflow.lb.core.stats.ServiceSample;
import io.optiflow.lb.dashboard.DisplayFormats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A time chart over the sampler's history (up to 5 minutes): one line per backend, with every strategy switch
 * (solid, labelled) and backend change (dashed) marked where it happened.
 */
public final class TimeChart extends Div {

    /** What the chart shows. */
    public enum Kind { REQUESTS, LATENCY }

    private static final double W = 900;
    private static final double LEFT = 56;
    private static final double RIGHT = 12;
    private static final double TOP = 18;
    private static final double BOTTOM = 22;
    private static final long SPAN_SECONDS = 300;
    private static final double LABEL_WIDTH = 220;

    private final Kind kind;
    private final double height;

    public TimeChart(Kind kind, double height) {
        this.kind = kind;
        this.height = height;
        addClassName("chart");
    }

    /** Draws {@code history} (snapshot {@code sequence}); the SVG is shared with every page showing it. */
    public void draw(ServiceHistory history, long sequence) {
        String key = kind + "/" + history.latest().name();
        getElement().setProperty("innerHTML", Drawings.of(key, sequence, () -> svg(history,
                Drawings.colours(history.latest().name(), sequence, history))));
    }

    private String svg(ServiceHistory history, Map<String, Integer> colours) {
        List<ServiceSample> samples = history.samples();
        Instant end = history.latest().at();
        Instant start = end.minusSeconds(SPAN_SECONDS);
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        Map<String, List<double[]>> p50 = new LinkedHashMap<>();
        double max = 1; // 1 req/s or 1 ms: an idle chart still has a scale
        for (ServiceSample s : samples) {
            double x = x(s.at(), start);
            for (BackendSample b : s.backends()) {
                double v = kind == Kind.REQUESTS ? b.requestsPerSecond() : b.p99Ms();
                if (!Double.isNaN(v)) {
                    series.computeIfAbsent(b.id(), k -> new ArrayList<>()).add(new double[] {x, v});
                    max = Math.max(max, v);
                }
                if (kind == Kind.LATENCY && !Double.isNaN(b.p50Ms())) {
                    p50.computeIfAbsent(b.id(), k -> new ArrayList<>()).add(new double[] {x, b.p50Ms()});
                }
            }
        }
        max = niceCeiling(max);
        Svg svg = new Svg(W, height, "time-chart");
        double plotH = height - TOP - BOTTOM;
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH * i / 4;
            svg.line(LEFT, y, W - RIGHT, y, i == 4 ? "axis" : "grid-line");
            double v = max * (4 - i) / 4;
            svg.text(4, y + 4, "axis-text", kind == Kind.REQUESTS ? DisplayFormats.rate(v)
                    : DisplayFormats.latencyMillis(v));
        }
        for (int m = 0; m <= 5; m++) {
            double x = LEFT + (W - LEFT - RIGHT) * m / 5;
            svg.text(x - 14, height - 6, "axis-text", m == 5 ? "now" : "-" + (5 - m) + " min");
        }
        double lastLabel = Double.NEGATIVE_INFINITY;
        for (ChangeMark mark : history.marks()) {
            double x = x(mark.at(), start);
            boolean strategy = mark.kind() == ChangeMark.Kind.STRATEGY;
            svg.raw("<line x1=\"" + Svg.n(x) + "\" y1=\"" + Svg.n(TOP) + "\" x2=\"" + Svg.n(x) + "\" y2=\""
                    + Svg.n(TOP + plotH) + "\" class=\"" + (strategy ? "mark-strategy" : "mark-backend")
                    + "\"><title>" + Svg.escape(mark.text()) + "</title></line>");
            if (strategy && x - lastLabel > LABEL_WIDTH) { // labels never overlap; each line has its title
                String label = mark.text().replace("strategy ", "");
                svg.text(Math.min(x + 3, W - RIGHT - LABEL_WIDTH), TOP - 5, "mark-text", label);
                lastLabel = x;
            }
        }
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String colour = Palette.series(colours.getOrDefault(e.getKey(), 0));
            svg.raw(path(e.getValue(), max, plotH, colour, "series",
                    e.getKey() + (kind == Kind.LATENCY ? " p99" : " req/s")));
            List<double[]> median = p50.get(e.getKey());
            if (median != null) {
                svg.raw(path(median, max, plotH, colour, "series p50", e.getKey() + " p50"));
            }
        }
        return svg.end();
    }

    private static double x(Instant at, Instant start) {
        double f = (at.toEpochMilli() - start.toEpochMilli()) / (SPAN_SECONDS * 1000.0);
        return LEFT + (W - LEFT - RIGHT) * Math.max(0, Math.min(1, f));
    }

    private static String path(List<double[]> points, double max, double plotH, String colour, String cls,
                               String title) {
        // Whole units: a unit is about a pixel at the chart's width, and 300 points per line are sent to every
        // open page each second, so the decimals would be a third of the bytes for nothing to see.
        StringBuilder d = new StringBuilder(points.size() * 8);
        for (double[] p : points) {
            double y = TOP + plotH - plotH * Math.min(1, p[1] / max);
            d.append(d.length() == 0 ? "M" : "L").append(Math.round(p[0])).append(' ').append(Math.round(y));
        }
        return "<path class=\"" + cls + "\" stroke=\"" + colour + "\" d=\"" + d + "\"><title>" + Svg.escape(title)
                + "</title></path>";
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-3))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
