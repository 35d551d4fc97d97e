package io.optiflow.lb.dashboard.service;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import io.optiflow.lb.api.spi.ConfigAttribute;
import io.optiflow.lb.api.spi.ConfigResult;
import io.optiflow.lb.api.spi.ConfigSchema;
import io.optiflow.lb.api.spi.ConfigType;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.optiflow.lb.core.stats.ServiceSample;
import io.optiflow.lb.dashboard.actions.Operations;
import io.optiflow.lb.dashboard.live.PerTick;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The strategy control: a select of every strategy the registry offers now (plug-ins dropped in while the page is
 * open appear at the next tick), a form generated from the chosen strategy's {@link ConfigSchema}, Apply. Each
 * field is checked against the schema as it is typed; Apply goes through the control plane, and whatever it
 * refuses is shown next to its field, nothing changed.
 */
final class StrategyPanel extends Div {

    private final ControlPlane control;
    private final String service;
    private final Operations ops;
    private final Select<String> select = new Select<>();
    private final Span description = new Span();
    private final Div form = new Div();
    private final Div errors = new Div();
    private final Button apply = new Button("Apply");
    private final Button reset = new Button("Back to configured");
    private final Map<String, Component> fields = new LinkedHashMap<>();
    private List<String> known = List.of();
    private String inForce;
    private Map<String, String> inForceConfig = Map.of();

    StrategyPanel(ControlPlane control, String service, Operations ops) {
        this.control = control;
        this.service = service;
        this.ops = ops;
        addClassName("panel");
        select.setId("strategy-select");
        select.setLabel("Strategy");
        select.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                buildForm(e.getValue());
            }
        });
        description.addClassNames("muted", "strategy-description");
        form.addClassName("strategy-form");
        errors.addClassName("form-errors");
        errors.setId("strategy-errors");
        apply.setId("strategy-apply");
        apply.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        apply.addClickListener(e -> apply());
        reset.setId("strategy-reset");
        reset.addClickListener(e -> ops.run("strategy back to the configured one",
                actor -> control.resetStrategy(service, actor), null));
        boolean may = ops.mayChange();
        select.setEnabled(may);
        apply.setEnabled(may);
        reset.setEnabled(may);
        if (!may) {
            apply.setTooltipText("Read-only: role viewer");
        }
        Div actions = new Div(apply, reset);
        actions.addClassName("strategy-actions");
        add(new H3("Strategy"), select, description, form, errors, actions);
    }

    /** Follows the registry and the strategy in force (snapshot {@code sequence}); keeps what is being edited. */
    void draw(ServiceSample s, long sequence) {
        List<String> names = PerTick.of("strategy-names", sequence, () -> control.strategies().stream()
                .map(StrategyDescriptor::name).toList()); // once a second for every open page
        if (!names.equals(known)) {
            String chosen = select.getValue();
            known = List.copyOf(names);
            select.setItems(known);
            if (chosen != null && known.contains(chosen)) {
                select.setValue(chosen);
            }
        }
        boolean changedInForce = !s.strategy().equals(inForce) || !Objects.equals(s.strategyConfig(), inForceConfig);
        inForce = s.strategy();
        inForceConfig = s.strategyConfig();
        if (changedInForce || select.getValue() == null) {
            select.setValue(s.strategy());
            buildForm(s.strategy());
        }
        reset.setVisible(s.strategyOverridden());
        reset.setText("Back to configured (" + s.configuredStrategy() + ")");
    }

    private Optional<StrategyDescriptor> descriptor(String name) {
        return control.strategies().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    private void buildForm(String name) {
        form.removeAll();
        fields.clear();
        errors.setText("");
        Optional<StrategyDescriptor> d = descriptor(name);
        if (d.isEmpty()) {
            description.setText("'" + name + "' is not available any more.");
            return;
        }
        description.setText(d.get().description() + " (" + d.get().source() + ")");
        Map<String, String> current = name.equals(inForce) ? inForceConfig : Map.of();
        for (ConfigAttribute a : d.get().schema().attributes()) {
            Component field = field(d.get().schema(), a, current.get(a.name()));
            fields.put(a.name(), field);
            form.add(field);
        }
        if (fields.isEmpty()) {
            Span none = new Span("No settings.");
            none.addClassName("muted");
            form.add(none);
        }
    }

    private Component field(ConfigSchema schema, ConfigAttribute a, String value) {
        // the expected form under the field; the meaning on hover (long descriptions made the panel a column)
        String help = a.expected() + (a.defaultValue() == null ? "" : "; default " + a.defaultValue());
        if (a.type() == ConfigType.ENUM || a.type() == ConfigType.BOOLEAN) {
            Select<String> s = new Select<>();
            List<String> words = new ArrayList<>();
            words.add("");
            words.addAll(a.type() == ConfigType.BOOLEAN ? List.of("true", "false") : a.allowed());
            s.setItems(words);
            s.setItemLabelGenerator(w -> w.isEmpty() ? "default (" + a.defaultValue() + ")" : w);
            s.setValue(value == null ? "" : value);
            s.setLabel(a.name());
            s.setHelperText(help);
            s.setTooltipText(a.description());
            s.setId("config-" + a.name());
            s.setEnabled(ops.mayChange());
            return s;
        }
        TextField t = new TextField(a.name());
        t.setId("config-" + a.name());
        t.setPlaceholder(a.defaultValue() == null ? "" : a.defaultValue());
        t.setHelperText(help);
        t.setTooltipText(a.description());
        t.setClearButtonVisible(true);
        t.setValue(value == null ? "" : value);
        t.setValueChangeMode(ValueChangeMode.LAZY);
        t.setEnabled(ops.mayChange());
        // checked as typed, against the same schema the strategy parses with
        t.addValueChangeListener(e -> {
            String v = e.getValue().trim();
            ConfigResult<?> r = v.isEmpty() ? null : schema.parse(Map.of(a.name(), v));
            String err = r == null || r.isValid() ? null : String.join("; ", r.errors());
            t.setInvalid(err != null);
            t.setErrorMessage(err);
        });
        return t;
    }

    private Map<String, String> values() {
        Map<String, String> out = new TreeMap<>();
        fields.forEach((name, f) -> {
            String v = f instanceof TextField t ? t.getValue() : ((Select<?>) f).getValue() == null ? ""
                    : String.valueOf(((Select<?>) f).getValue());
            if (v != null && !v.isBlank()) {
                out.put(name, v.trim());
            }
        });
        return out;
    }

    private void apply() {
        String name = select.getValue();
        Map<String, String> config = values();
        clearErrors();
        ops.run("strategy of " + service + " is now " + name,
                actor -> control.switchStrategy(service, name, config, actor), this::showErrors);
    }

    private void clearErrors() {
        errors.setText("");
        fields.values().forEach(f -> {
            if (f instanceof TextField t) {
                t.setInvalid(false);
            } else {
                ((Select<?>) f).setInvalid(false);
            }
        });
    }

    /** Each error next to the field it names ({@code "name: ..."}); the rest above the buttons. */
    private void showErrors(List<String> list) {
        List<String> general = new ArrayList<>();
        for (String e : list) {
            Component f = null;
            for (Map.Entry<String, Component> entry : fields.entrySet()) {
                if (e.startsWith(entry.getKey() + ":") || e.contains("." + entry.getKey() + ":")) {
                    f = entry.getValue();
                }
            }
            if (f instanceof TextField t) {
                t.setErrorMessage(e);
                t.setInvalid(true);
            } else if (f instanceof Select<?> sel) {
                sel.setErrorMessage(e);
                sel.setInvalid(true);
            } else {
                general.add(e);
            }
        }
        errors.setText(general.isEmpty() ? "Not applied: fix the marked fields." : "Not applied: "
                + String.join("; ", general));
    }
}
