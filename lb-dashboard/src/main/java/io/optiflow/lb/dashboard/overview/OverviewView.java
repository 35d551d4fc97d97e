package io.optiflow.lb.dashboard.overview;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.optiflow.lb.core.stats.ServiceSample;
import io.optiflow.lb.core.stats.StatsSampler;
import io.optiflow.lb.core.stats.StatsSnapshot;
import io.optiflow.lb.dashboard.layout.MainLayout;
import io.optiflow.lb.dashboard.live.LiveStats;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every service at a glance, one card each (id {@code service-<name>}), redrawn from each sample. */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Overview · OptiFlow LB")
public class OverviewView extends Div {

    private final Div cards = new Div();
    private final Paragraph empty = new Paragraph("No service is configured. Configure lb.services.<name>.backends,"
            + " or start with -Dlb.demo.enabled=true to see a demo.");
    private final Map<String, ServiceCard> byName = new LinkedHashMap<>();

    @Inject
    public OverviewView(StatsSampler sampler) {
        addClassName("overview");
        cards.addClassName("cards");
        empty.setVisible(false);
        add(empty, cards);
        LiveStats.follow(this, sampler, this::draw);
    }

    private void draw(StatsSnapshot snapshot) {
        List<ServiceSample> latest = snapshot.latest();
        if (!latest.stream().map(ServiceSample::name).toList().equals(List.copyOf(byName.keySet()))) {
            cards.removeAll();
            byName.clear();
            for (ServiceSample s : latest) {
                ServiceCard card = new ServiceCard(s.name());
                byName.put(s.name(), card);
                cards.add(card);
            }
        }
        empty.setVisible(latest.isEmpty());
        for (ServiceSample s : latest) {
            byName.get(s.name()).draw(s, snapshot.service(s.name()).orElseThrow(), snapshot.sequence());
        }
    }
}
