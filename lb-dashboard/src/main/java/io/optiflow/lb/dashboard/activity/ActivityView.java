package io.optiflow.lb.dashboard.activity;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.optiflow.lb.core.control.AuditEntry;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.dashboard.actions.Operations;
import io.optiflow.lb.dashboard.layout.MainLayout;
import jakarta.inject.Inject;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * The audit trail, newest first, updated as changes are acknowledged (from here or from the admin API). A strategy
 * switch can be reverted with one click: that is a new switch back to the value before, audited like any other.
 */
@Route(value = "activity", layout = MainLayout.class)
@PageTitle("Activity · OptiFlow LB")
public class ActivityView extends Div {

    static final int SHOWN = 500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final ControlPlane control;
    private final Operations ops = Operations.current();
    private final Grid<AuditEntry> grid = new Grid<>();
    private final AuditRows rows = new AuditRows();
    private Consumer<AuditEntry> listener;

    @Inject
    public ActivityView(ControlPlane control) {
        this.control = control;
        addClassName("activity");
        grid.setId("activity-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(e -> TIME.format(e.at())).setHeader("When").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditEntry::actor).setHeader("Who").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditEntry::action).setHeader("What").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditEntry::target).setHeader("Target").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(LitRenderer.<AuditEntry>of("<span class=\"audit-value\">${item.v}</span>")
                .withProperty("v", e -> AuditText.readable(e.before()))).setHeader("Before").setFlexGrow(1);
        grid.addColumn(LitRenderer.<AuditEntry>of("<span class=\"audit-value\">${item.v}</span>")
                .withProperty("v", e -> AuditText.readable(e.after()))).setHeader("After").setFlexGrow(1);
        grid.addColumn(LitRenderer.<AuditEntry>of("${item.can ? html`<vaadin-button theme=\"small\""
                        + " class=\"act-revert\" ?disabled=\"${!item.may}\" @click=\"${revert}\">Revert</vaadin-button>`"
                        + " : ''}")
                .withProperty("can", ActivityView::revertible).withProperty("may", e -> ops.mayChange())
                .withFunction("revert", this::revert)).setHeader("").setAutoWidth(true).setFlexGrow(0);
        grid.setWidthFull();
        grid.setItems(rows.provider());
        add(new Paragraph("Every acknowledged change, newest first (the admin API's /api/v1/audit). Revert switches"
                + " a service back to the strategy it had before a switch, as a new change."), grid);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        UI ui = event.getUI();
        listener = entry -> ui.access(this::refresh);
        control.addListener(listener);
        refresh();
    }

    @Override
    protected void onDetach(DetachEvent event) {
        control.removeListener(listener);
    }

    private void refresh() {
        rows.update(control.audit(SHOWN));
    }

    static boolean revertible(AuditEntry e) {
        return (e.action().equals("strategy.switch") || e.action().equals("strategy.reset")) && e.before() != null;
    }

    private void revert(AuditEntry e) {
        AuditText.strategy(e.before()).ifPresentOrElse(
                v -> ops.run("strategy of " + e.target() + " back to " + v.name(),
                        actor -> control.switchStrategy(e.target(), v.name(), v.config(), actor), null),
                () -> ops.refuse("cannot read the value before this change: " + e.before()));
    }
}
