package io.optiflow.lb.dashboard.overview;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import io.optiflow.lb.core.stats.ServiceHistory;
import io.optiflow.lb.core.stats.ServiceSample;
import io.optiflow.lb.dashboard.DisplayFormats;
import io.optiflow.lb.dashboard.charts.Sparkline;

/** One service on the overview: the headline numbers, what is wrong, and the last minutes of requests/s. */
final class ServiceCard extends Div {

    private final Span strategy = new Span();
    private final Span rps = value();
    private final Span errors = value();
    private final Span p50 = value();
    private final Span p99 = value();
    private final Span backends = value();
    private final Div troubles = new Div();
    private final Sparkline spark = new Sparkline(280, 44);

    ServiceCard(String name) {
        setId("service-" + name);
        addClassName("service-card");
        Anchor title = new Anchor("services/" + name, name);
        title.addClassName("card-title");
        strategy.addClassName("strategy-badge");
        Div head = new Div(title, strategy);
        head.addClassName("card-head");
        Div figures = new Div(figure("req/s", rps), figure("errors", errors), figure("p50", p50),
                figure("p99", p99), figure("healthy", backends));
        figures.addClassName("figures");
        troubles.addClassName("troubles");
        add(head, figures, spark, troubles);
    }

    private static Span value() {
        Span s = new Span();
        s.addClassName("figure-value");
        return s;
    }

    private static Div figure(String label, Span value) {
        Span l = new Span(label);
        l.addClassName("figure-label");
        value.getElement().setAttribute("data-figure", label);
        Div d = new Div(value, l);
        d.addClassName("figure");
        return d;
    }

    void draw(ServiceSample s, ServiceHistory history, long sequence) {
        strategy.setText(s.strategy() + (s.strategyOverridden() ? " *" : ""));
        strategy.getElement().setAttribute("title", s.strategyOverridden()
                ? "switched at runtime (configured: " + s.configuredStrategy() + ")" : "as configured");
        rps.setText(DisplayFormats.rate(s.requestsPerSecond()));
        errors.setText(DisplayFormats.percent(s.errorRate()));
        errors.getElement().getClassList().set("bad", s.errorRate() >= ServiceSample.TROUBLE_ERROR_RATE);
        p50.setText(DisplayFormats.latencyMillis(s.p50Ms()));
        p99.setText(DisplayFormats.latencyMillis(s.p99Ms()));
        backends.setText(s.availableBackends() + " / " + s.backends().size());
        backends.getElement().getClassList().set("bad", s.availableBackends() == 0);
        backends.getElement().getClassList().set("warn",
                s.availableBackends() > 0 && s.availableBackends() < s.backends().size());
        troubles.setText(String.join(" · ", s.troubles()));
        troubles.setVisible(!s.troubles().isEmpty());
        getElement().getClassList().set("trouble", s.inTrouble());
        spark.draw(s.name(), sequence, () -> {
            double[] values = new double[history.samples().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = history.samples().get(i).requestsPerSecond();
            }
            return values;
        });
    }
}
