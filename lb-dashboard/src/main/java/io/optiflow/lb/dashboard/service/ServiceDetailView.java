package io.optiflow.lb.dashboard.service;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.stats.BackendSample;
import io.optiflow.lb.core.stats.ServiceHistory;
import io.optiflow.lb.core.stats.ServiceSample;
import io.optiflow.lb.core.stats.StatsSampler;
import io.optiflow.lb.core.stats.StatsSnapshot;
import io.optiflow.lb.dashboard.DisplayFormats;
import io.optiflow.lb.dashboard.actions.Operations;
import io.optiflow.lb.dashboard.charts.Drawings;
import io.optiflow.lb.dashboard.charts.FlowPicture;
import io.optiflow.lb.dashboard.charts.Palette;
import io.optiflow.lb.dashboard.charts.TimeChart;
import io.optiflow.lb.dashboard.layout.MainLayout;
import io.optiflow.lb.dashboard.live.LiveStats;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One service ({@code /services/<name>}): the live flow picture, the strategy control, five minutes of requests/s
 * and latency per backend with changes marked, and the backends grid with its actions.
 */
@Route(value = "services", layout = MainLayout.class)
public class ServiceDetailView extends Div implements HasUrlParameter<String>, HasDynamicTitle {

    private final ControlPlane control;
    private final StatsSampler sampler;
    private final Operations ops = Operations.current();
    private List<String> legendIds = List.of();
    private String name = "";
    private Span headline;
    private FlowPicture flow;
    private StrategyPanel strategy;
    private TimeChart requests;
    private TimeChart latency;
    private Div legend;
    private BackendsPanel backends;

    @Inject
    public ServiceDetailView(ControlPlane control, StatsSampler sampler) {
        this.control = control;
        this.sampler = sampler;
        addClassName("service-page");
        LiveStats.follow(this, sampler, this::draw); // one follower, whichever service the page shows
    }

    @Override
    public void setParameter(BeforeEvent event, String parameter) {
        name = parameter == null ? "" : parameter;
        removeAll();
        if (control.services().stream().noneMatch(s -> s.name().equals(name))) {
            flow = null;
            add(new H2("No service '" + name + "'"), new Paragraph("Pick one on the overview."));
            return;
        }
        build();
        draw(sampler.snapshot());
    }

    @Override
    public String getPageTitle() {
        return name + " · OptiFlow LB";
    }

    private void build() {
        legendIds = List.of();
        H2 title = new H2(name);
        title.getStyle().set("margin", "0");
        headline = new Span();
        headline.setId("service-headline");
        headline.addClassName("muted");
        Div head = new Div(title, headline);
        head.getStyle().set("display", "flex").set("gap", "var(--lumo-space-m)").set("align-items", "baseline")
                .set("flex-wrap", "wrap");

        flow = new FlowPicture();
        Div flowPanel = new Div(new H3("Traffic now"), flow);
        flowPanel.addClassName("panel");
        strategy = new StrategyPanel(control, name, ops);
        Div top = new Div(flowPanel, strategy);
        top.addClassName("top-row");

        requests = new TimeChart(TimeChart.Kind.REQUESTS, 220);
        requests.setId("requests-chart");
        latency = new TimeChart(TimeChart.Kind.LATENCY, 170);
        latency.setId("latency-chart");
        legend = new Div();
        legend.addClassName("legend");
        Div charts = new Div(new H3("Requests/s per backend, last 5 minutes"), requests, legend,
                new H3("Latency per backend: p99 (solid), p50 (dashed)"), latency);
        charts.addClassName("panel");

        backends = new BackendsPanel(control, name, ops);
        add(head, top, charts, backends);
    }

    private void draw(StatsSnapshot snapshot) {
        Optional<ServiceHistory> h = snapshot.service(name);
        if (h.isEmpty() || flow == null) {
            return;
        }
        ServiceSample s = h.get().latest();
        headline.setText(s.strategy() + (s.strategyOverridden() ? " (set at runtime)" : "") + " · "
                + DisplayFormats.rate(s.requestsPerSecond()) + " req/s · errors " + DisplayFormats.percent(
                s.errorRate()) + " · p50 " + DisplayFormats.latencyMillis(s.p50Ms()) + " · p99 "
                + DisplayFormats.latencyMillis(s.p99Ms()) + " · " + s.availableBackends() + "/" + s.backends().size()
                + " backends taking traffic" + (s.troubles().isEmpty() ? "" : " · " + String.join(", ", s.troubles())));
        headline.getElement().getClassList().set("bad", s.inTrouble());
        flow.draw(s, snapshot.sequence());
        strategy.draw(s, snapshot.sequence());
        requests.draw(h.get(), snapshot.sequence());
        latency.draw(h.get(), snapshot.sequence());
        drawLegend(s, Drawings.colours(name, snapshot.sequence(), h.get()));
        backends.draw(s);
    }

    private void drawLegend(ServiceSample s, Map<String, Integer> colours) {
        List<String> ids = s.backends().stream().map(b -> b.id() + "=" + colours.get(b.id())).toList();
        if (ids.equals(legendIds)) {
            return; // unchanged: no new components each second
        }
        legendIds = ids;
        legend.removeAll();
        for (BackendSample b : s.backends()) {
            Span swatch = new Span();
            swatch.addClassName("swatch");
            swatch.getStyle().set("background", Palette.series(colours.getOrDefault(b.id(), 0)));
            legend.add(new Span(swatch, new Span(b.id())));
        }
        Span marks = new Span("| strategy switch   ¦ backend change");
        marks.addClassName("muted");
        legend.add(marks);
    }
}
