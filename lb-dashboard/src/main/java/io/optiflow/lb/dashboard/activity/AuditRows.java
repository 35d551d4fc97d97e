package io.optiflow.lb.dashboard.activity;

import com.vaadin.flow.data.provider.ListDataProvider;
import io.optiflow.lb.core.control.AuditEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The activity grid's rows: one data provider for the page's lifetime, each row identified by its audit entry.
 *
 * <p>Why not {@code grid.setItems(control.audit(n))} on every change: a new data provider makes the grid forget
 * every row key, so a Revert clicked in a row the browser drew before a new change arrived comes back with an old
 * key, which the grid ignores without a word (the same lost action as in the backends grid, see
 * {@code BackendRows}). An entry never changes once written and is a record, so the entry itself is its row's id: a
 * row keeps its key while newer entries are put above it.
 */
final class AuditRows {

    private final List<AuditEntry> rows = new ArrayList<>();
    private final ListDataProvider<AuditEntry> provider = new ListDataProvider<>(rows);

    ListDataProvider<AuditEntry> provider() {
        return provider;
    }

    /**
     * Takes the newest entries, newest first.
     *
     * @return whether anything changed (then the grid is told to fetch its rows again; the keys stay)
     */
    boolean update(List<AuditEntry> newestFirst) {
        if (newestFirst.equals(rows)) {
            return false;
        }
        rows.clear();
        rows.addAll(newestFirst);
        provider.refreshAll();
        return true;
    }
}
