package io.optiflow.lb.dashboard.service;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.renderer.LitRenderer;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.stats.BackendSample;
import io.optiflow.lb.core.stats.ServiceSample;
import io.optiflow.lb.dashboard.DisplayFormats;
import io.optiflow.lb.dashboard.actions.Operations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The backends grid ({@code backends-grid}): settings, health and live figures, with in-place weight editing and
 * the actions drain, disable, enable, reset to config and remove (those that take capacity away ask first), and a
 * form to add a backend. Rows are drawn by Lit templates, so a row being edited survives the once-a-second redraw,
 * and keep their keys across redraws ({@link BackendRows}), so an action clicked just before one is not lost.
 */
final class BackendsPanel extends Div {

    private final ControlPlane control;
    private final String service;
    private final Operations ops;
    private final Grid<BackendSample> grid = new Grid<>();
    private final TextField url = new TextField();
    private final IntegerField weight = new IntegerField();
    private final BackendRows rows = new BackendRows();

    BackendsPanel(ControlPlane control, String service, Operations ops) {
        this.control = control;
        this.service = service;
        this.ops = ops;
        addClassName("panel");
        grid.setId("backends-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);
        grid.setItems(rows.provider()); // one provider for the page's life: row keys survive redraws
        columns();
        add(new H3("Backends"), grid, addForm()); // the grid scrolls sideways by itself, URL column frozen
    }

    private void columns() {
        grid.addColumn(LitRenderer.<BackendSample>of("<span>${item.url}</span>").withProperty("url",
                BackendSample::url)).setHeader("Backend").setAutoWidth(true).setFlexGrow(1).setFrozen(true);
        grid.addColumn(LitRenderer.<BackendSample>of("<vaadin-integer-field theme=\"small\" class=\"weight-field\""
                        + " data-backend=\"${item.id}\" style=\"width:6.5em\" min=\"" + Backend.MIN_WEIGHT + "\" max=\""
                        + Backend.MAX_WEIGHT + "\" .value=\"${item.weight}\" ?disabled=\"${!item.may}\""
                        + " @change=\"${e => setWeight(e.target.value)}\"></vaadin-integer-field>"
                        + "${item.wo ? html`<span class=\"overridden\" title=\"set at runtime\">*</span>` : ''}")
                .withProperty("id", BackendSample::id).withProperty("weight", BackendSample::weight)
                .withProperty("wo", BackendSample::weightOverridden).withProperty("may", b -> ops.mayChange())
                .withFunction("setWeight", (b, args) -> setWeight(b, args.getString(0))))
                .setHeader("Weight").setWidth("8.5em").setFlexGrow(0);
        grid.addColumn(LitRenderer.<BackendSample>of("<span class=\"state-${item.state}\">${item.state}</span>"
                        + "${item.so ? html`<span class=\"overridden\" title=\"set at runtime\">*</span>` : ''}")
                .withProperty("state", b -> b.state().name()).withProperty("so", BackendSample::stateOverridden))
                .setHeader("State").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(LitRenderer.<BackendSample>of("<span class=\"health-${item.h}\">${item.h}</span>")
                .withProperty("h", b -> b.health().name())).setHeader("Health").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(BackendSample::inFlight).setHeader("In flight").setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(b -> DisplayFormats.rate(b.requestsPerSecond())).setHeader("req/s").setKey("rps")
                .setTextAlign(ColumnTextAlign.END).setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(b -> DisplayFormats.percent(rows.share(b)))
                .setHeader("Share").setKey("share").setTextAlign(ColumnTextAlign.END).setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(b -> DisplayFormats.latencyMillis(b.p50Ms()) + " / " + DisplayFormats.latencyMillis(b.p99Ms()))
                .setHeader("p50 / p99").setTextAlign(ColumnTextAlign.END).setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(b -> DisplayFormats.count(b.errors()) + " (" + DisplayFormats.percent(b.errorRate()) + ")")
                .setHeader("Errors").setTextAlign(ColumnTextAlign.END).setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(BackendSample::ejections).setHeader("Ejections").setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(BackendSample::origin).setHeader("Origin").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(BackendsPanel::overridden).setHeader("Overridden").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(LitRenderer.<BackendSample>of(
                        "<vaadin-button theme=\"small tertiary\" class=\"act-drain\" data-backend=\"${item.id}\" ?disabled=\"${!item.may || item.state == 'DRAINING'}\" @click=\"${drain}\">Drain</vaadin-button>"
                        + "<vaadin-button theme=\"small tertiary\" class=\"act-disable\" data-backend=\"${item.id}\" ?disabled=\"${!item.may || item.state == 'DISABLED'}\" @click=\"${disable}\">Disable</vaadin-button>"
                        + "<vaadin-button theme=\"small tertiary\" class=\"act-enable\" data-backend=\"${item.id}\" ?disabled=\"${!item.may || item.state == 'ENABLED'}\" @click=\"${enable}\">Enable</vaadin-button>"
                        + "<vaadin-button theme=\"small tertiary\" class=\"act-reset\" data-backend=\"${item.id}\" ?disabled=\"${!item.may || !item.over}\" @click=\"${reset}\">Reset</vaadin-button>"
                        + "<vaadin-button theme=\"small tertiary error\" class=\"act-remove\" data-backend=\"${item.id}\" ?disabled=\"${!item.may}\" @click=\"${remove}\">Remove</vaadin-button>")
                .withProperty("id", BackendSample::id)
                .withProperty("may", b -> ops.mayChange()).withProperty("state", b -> b.state().name())
                .withProperty("over", b -> b.weightOverridden() || b.stateOverridden())
                .withFunction("drain", b -> confirmThen(b, "Drain", "takes no new requests; those in flight finish",
                        () -> state(b, AdminState.DRAINING, "drained")))
                .withFunction("disable", b -> confirmThen(b, "Disable", "takes no traffic at all",
                        () -> state(b, AdminState.DISABLED, "disabled")))
                .withFunction("enable", b -> state(b, AdminState.ENABLED, "enabled"))
                .withFunction("reset", b -> ops.run(b.id() + " back to its configured weight and state",
                        actor -> control.resetBackend(service, b.id(), actor), null))
                .withFunction("remove", b -> confirmThen(b, "Remove", "leaves the service"
                        + ("config".equals(b.origin()) ? " (it stays removed across restarts)" : ""),
                        () -> ops.run(b.id() + " removed", actor -> control.removeBackend(service, b.id(), actor),
                                null))))
                .setHeader("Actions").setAutoWidth(true).setFlexGrow(0);
    }

    private Div addForm() {
        url.setId("backend-url");
        url.setPlaceholder("http://host:port");
        url.setLabel("Add a backend");
        weight.setId("backend-weight");
        weight.setLabel("Weight");
        weight.setPlaceholder(String.valueOf(Backend.DEFAULT_WEIGHT));
        weight.setMin(Backend.MIN_WEIGHT);
        weight.setMax(Backend.MAX_WEIGHT);
        Button add = new Button("Add", e -> add());
        add.setId("backend-add");
        add.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        boolean may = ops.mayChange();
        url.setEnabled(may);
        weight.setEnabled(may);
        add.setEnabled(may);
        Div form = new Div(url, weight, add);
        form.addClassName("strategy-form");
        form.getStyle().set("align-items", "flex-end").set("margin-top", "var(--lumo-space-s)");
        return form;
    }

    void draw(ServiceSample s) {
        rows.update(s.backends(), s.requestsPerSecond());
    }

    private void setWeight(BackendSample b, String text) {
        int w;
        try {
            w = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            ops.refuse("weight: '" + text + "' (expected: an integer from " + Backend.MIN_WEIGHT + " to "
                    + Backend.MAX_WEIGHT + ")");
            return;
        }
        ops.run(b.id() + " weight " + w, actor -> control.updateBackend(service, b.id(), w, null, actor), null);
    }

    private void state(BackendSample b, AdminState state, String done) {
        ops.run(b.id() + " " + done, actor -> control.updateBackend(service, b.id(), null, state, actor), null);
    }

    /** Capacity goes away: ask first (a viewer is refused before being asked). */
    private void confirmThen(BackendSample b, String verb, String effect, Runnable action) {
        if (!ops.mayChange()) {
            ops.refuse(Operations.READ_ONLY);
            return;
        }
        ConfirmDialog dialog = new ConfirmDialog(verb + " " + b.id() + "?",
                b.id() + " " + effect + ". " + capacityNote(b), verb, e -> action.run(), "Cancel", e -> { });
        dialog.setConfirmButtonTheme("error primary");
        dialog.setId("confirm-dialog");
        dialog.open();
    }

    private String capacityNote(BackendSample b) {
        long others = rows.rows().stream().filter(o -> !o.id().equals(b.id()) && o.available())
                .count();
        return others == 0 ? "No other backend is taking traffic: the service will refuse requests."
                : others + " other backend" + (others == 1 ? "" : "s") + " will take its traffic.";
    }

    private void add() {
        url.setInvalid(false);
        weight.setInvalid(false);
        String u = url.getValue().trim();
        Integer w = weight.getValue();
        boolean done = ops.run(u + " added", actor -> control.addBackend(service, u, w, actor), list -> {
            List<String> rest = new ArrayList<>();
            for (String e : list) {
                if (e.startsWith("weight:")) {
                    weight.setErrorMessage(e);
                    weight.setInvalid(true);
                } else {
                    rest.add(e);
                }
            }
            if (!rest.isEmpty()) {
                url.setErrorMessage(String.join("; ", rest));
                url.setInvalid(true);
            }
        });
        if (done) {
            url.clear();
            weight.clear();
        }
    }

    private static String overridden(BackendSample b) {
        List<String> o = new ArrayList<>();
        if (b.weightOverridden()) {
            o.add("weight");
        }
        if (b.stateOverridden()) {
            o.add("state");
        }
        return o.isEmpty() ? "-" : String.join(", ", o).toLowerCase(Locale.ROOT);
    }
}
