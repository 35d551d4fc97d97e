package io.optiflow.lb.dashboard.strategies;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.optiflow.lb.api.spi.ConfigAttribute;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.stats.StatsSampler;
import io.optiflow.lb.core.stats.StatsSnapshot;
import io.optiflow.lb.dashboard.layout.MainLayout;
import io.optiflow.lb.dashboard.live.LiveStats;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Every strategy the registry offers, where it came from (built in, or which plug-in JAR), its config schema, and
 * the problems the registry found in the plug-ins folder. Redrawn when the registry changes (checked each second).
 */
@Route(value = "strategies", layout = MainLayout.class)
@PageTitle("Strategies & plug-ins · OptiFlow LB")
public class StrategiesView extends Div {

    private final ControlPlane control;
    private final Div list = new Div();
    private final Div problems = new Div();
    private List<StrategyDescriptor> shown = List.of();
    private List<String> shownProblems = List.of();

    @Inject
    public StrategiesView(ControlPlane control, StatsSampler sampler) {
        this.control = control;
        addClassName("strategies");
        problems.setId("plugin-problems");
        add(new Paragraph("Strategies are found on the class path (built in) and in the plug-ins folder (one JAR"
                + " each, picked up while running). A service switches to any of them on its page."), problems, list);
        LiveStats.follow(this, sampler, this::draw);
    }

    private void draw(StatsSnapshot ignored) {
        List<StrategyDescriptor> now = control.strategies();
        List<String> nowProblems = control.problems();
        if (now.equals(shown) && nowProblems.equals(shownProblems)) {
            return;
        }
        shown = now;
        shownProblems = nowProblems;
        problems.removeAll();
        if (!nowProblems.isEmpty()) {
            H3 h = new H3("Problems in the plug-ins folder");
            UnorderedList ul = new UnorderedList();
            nowProblems.forEach(p -> {
                ListItem li = new ListItem(p);
                li.addClassName("problem");
                ul.add(li);
            });
            Div panel = new Div(h, ul);
            panel.addClassName("panel");
            problems.add(panel);
        }
        list.removeAll();
        for (StrategyDescriptor d : now) {
            list.add(card(d));
        }
    }

    private static Div card(StrategyDescriptor d) {
        H3 title = new H3(d.name());
        Span source = new Span(d.source().equals("built-in") ? "built in" : "plug-in " + d.source());
        source.addClassName("strategy-badge");
        Paragraph desc = new Paragraph(d.description() + " (priority " + d.priority() + ")");
        desc.addClassName("muted");
        Div card = new Div(new Div(title, source), desc);
        card.setId("strategy-" + d.name());
        card.addClassName("panel");
        card.getStyle().set("margin-bottom", "var(--lumo-space-m)");
        if (!d.schema().attributes().isEmpty()) {
            Grid<ConfigAttribute> g = new Grid<>();
            g.addThemeVariants(GridVariant.LUMO_COMPACT);
            g.addColumn(ConfigAttribute::name).setHeader("Setting").setAutoWidth(true).setFlexGrow(0);
            g.addColumn(a -> a.type().name().toLowerCase(java.util.Locale.ROOT)).setHeader("Type")
                    .setAutoWidth(true).setFlexGrow(0);
            g.addColumn(a -> a.defaultValue() == null ? "-" : a.defaultValue()).setHeader("Default")
                    .setAutoWidth(true).setFlexGrow(0);
            g.addColumn(ConfigAttribute::expected).setHeader("Expected").setAutoWidth(true).setFlexGrow(0);
            g.addColumn(ConfigAttribute::description).setHeader("Meaning").setFlexGrow(1);
            g.setItems(d.schema().attributes());
            g.setAllRowsVisible(true);
            card.add(g);
        }
        return card;
    }
}
