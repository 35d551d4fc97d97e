package io.optiflow.lb.dashboard.charts;

import com.vaadin.flow.component.html.Div;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.HealthStatus;
import io.optiflow.lb.core.stats.BackendSample;
import io.optiflow.lb.core.stats.ServiceSample;
import io.optiflow.lb.dashboard.DisplayFormats;
import java.util.List;

/**
 * Where the traffic goes right now: the load balancer on the left, each backend on the right, each link as thick
 * as the backend's share of the last second's requests and coloured by its health and error rate.
 */
public final class FlowPicture extends Div {

    private static final double W = 640;
    private static final double ROW = 58;
    private static final double MAX_STROKE = 30;

    public FlowPicture() {
        addClassName("flow");
        setId("flow-picture");
    }

    /** Draws sample {@code s} of snapshot {@code sequence}; the SVG is shared with every page showing it. */
    public void draw(ServiceSample s, long sequence) {
        getElement().setProperty("innerHTML", Drawings.of("flow/" + s.name(), sequence, () -> svg(s)));
    }

    private static String svg(ServiceSample s) {
        List<BackendSample> backends = s.backends();
        int n = Math.max(1, backends.size());
        double h = Math.max(160, n * ROW + 20);
        Svg svg = new Svg(W, h, "flow-svg");
        double lbX = 20;
        double lbW = 150;
        double lbY = h / 2 - 40;
        double total = s.requestsPerSecond();
        double bx = W - 250;
        for (int i = 0; i < backends.size(); i++) {
            BackendSample b = backends.get(i);
            double y = 10 + i * ROW + ROW / 2;
            double share = total <= 0 ? 0 : b.requestsPerSecond() / total;
            double stroke = b.requestsPerSecond() > 0 ? Math.max(2, MAX_STROKE * share) : 1;
            String color = linkColor(b);
            double startY = lbY + 40 + (i - (backends.size() - 1) / 2.0) * Math.min(8, 60.0 / n);
            String d = "M" + Svg.n(lbX + lbW) + " " + Svg.n(startY) + " C" + Svg.n(lbX + lbW + 120) + " "
                    + Svg.n(startY) + " " + Svg.n(bx - 120) + " " + Svg.n(y) + " " + Svg.n(bx) + " " + Svg.n(y);
            svg.raw("<path class=\"flow-link\" data-backend=\"" + Svg.escape(b.id()) + "\" data-share=\""
                    + Svg.n(share * 100) + "\" d=\"" + d + "\" stroke=\"" + color + "\" stroke-width=\""
                    + Svg.n(stroke) + "\"" + (available(b) ? "" : " stroke-dasharray=\"4 4\"") + "><title>"
                    + Svg.escape(b.id() + ": " + DisplayFormats.rate(b.requestsPerSecond()) + " req/s, "
                    + DisplayFormats.percent(share) + " of traffic, errors "
                    + DisplayFormats.percent(b.errorRate())) + "</title></path>");
            svg.raw("<rect class=\"flow-node" + (available(b) ? "" : " down") + "\" x=\"" + Svg.n(bx) + "\" y=\""
                    + Svg.n(y - 22) + "\" width=\"240\" height=\"44\" rx=\"6\"/>");
            svg.text(bx + 10, y - 5, "flow-text", b.id());
            svg.text(bx + 10, y + 13, "flow-sub", DisplayFormats.rate(b.requestsPerSecond()) + " req/s · "
                    + DisplayFormats.percent(share) + " · p99 " + DisplayFormats.latencyMillis(b.p99Ms())
                    + (available(b) ? "" : " · " + why(b)));
        }
        svg.raw("<rect class=\"flow-node lb\" x=\"" + Svg.n(lbX) + "\" y=\"" + Svg.n(lbY) + "\" width=\""
                + Svg.n(lbW) + "\" height=\"80\" rx=\"8\"/>");
        svg.text(lbX + 12, lbY + 24, "flow-text", "OptiFlow LB");
        svg.text(lbX + 12, lbY + 44, "flow-sub", DisplayFormats.rate(total) + " req/s");
        svg.text(lbX + 12, lbY + 62, "flow-sub", s.strategy());
        if (backends.isEmpty()) {
            svg.text(bx, h / 2, "flow-sub", "no backends");
        }
        return svg.end();
    }

    private static boolean available(BackendSample b) {
        return b.available();
    }

    private static String why(BackendSample b) {
        return b.state() != AdminState.ENABLED ? b.state().name().toLowerCase(java.util.Locale.ROOT)
                : b.health().name().toLowerCase(java.util.Locale.ROOT);
    }

    static String linkColor(BackendSample b) {
        if (b.state() != AdminState.ENABLED || b.health() != HealthStatus.UP) {
            return Palette.OFF;
        }
        if (b.errorRate() >= 0.05) {
            return Palette.BAD;
        }
        return b.errorRate() >= 0.01 ? Palette.WARN : Palette.OK;
    }
}
