package io.optiflow.lb.dashboard.charts;

import com.vaadin.flow.component.html.Div;
import java.util.function.Supplier;

/** A small area chart of one series (oldest first), scaled to its own maximum. */
public final class Sparkline extends Div {

    private final double width;
    private final double height;

    public Sparkline(double width, double height) {
        this.width = width;
        this.height = height;
        addClassName("sparkline");
    }

    /** Draws the series once per {@code key} and {@code sequence} (shared by every page showing it). */
    public void draw(String key, long sequence, Supplier<double[]> values) {
        getElement().setProperty("innerHTML", Drawings.of("spark/" + key, sequence, () -> svg(values.get())));
    }

    private String svg(double[] values) {
        Svg svg = new Svg(width, height, "spark");
        if (values.length >= 2) {
            double max = 1;
            for (double v : values) {
                max = Math.max(max, v);
            }
            StringBuilder d = new StringBuilder("M0 ").append(Svg.n(height));
            for (int i = 0; i < values.length; i++) {
                double x = width * i / (values.length - 1);
                double y = height - 2 - (height - 4) * values[i] / max;
                d.append(" L").append(Svg.n(x)).append(' ').append(Svg.n(y));
            }
            d.append(" L").append(Svg.n(width)).append(' ').append(Svg.n(height)).append(" Z");
            svg.raw("<path class=\"spark-area\" d=\"" + d + "\"/>");
        }
        return svg.end();
    }
}
