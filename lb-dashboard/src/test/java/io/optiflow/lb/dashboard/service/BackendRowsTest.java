package io.optiflow.lb.dashboard.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.data.provider.DataKeyMapper;
import io.optiflow.lb.core.pool.AdminState;
import io.optiflow.lb.core.pool.HealthStatus;
import io.optiflow.lb.core.stats.BackendSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendRowsTest {

    private static BackendSample sample(String id, double rps) {
        return new BackendSample(id, "http://" + id, 1, false, AdminState.ENABLED, false, "config", HealthStatus.UP,
                0, rps, 0, 0, 0, 0, Double.NaN, Double.NaN);
    }

    private final BackendRows rows = new BackendRows();
    private final Grid<BackendSample> grid = new Grid<>();

    private DataKeyMapper<BackendSample> keys() {
        return grid.getDataCommunicator().getKeyMapper();
    }

    @Test
    void rowKey_afterARedrawWithNewFigures_stillLeadsToTheBackend() {
        grid.setItems(rows.provider());
        rows.update(List.of(sample("a:1", 10), sample("b:1", 10)), 20);
        String key = keys().key(sample("a:1", 10)); // the key a browser holds for row a:1

        rows.update(List.of(sample("a:1", 30), sample("b:1", 5)), 35); // the next second's redraw

        BackendSample found = keys().get(key);
        assertNotNull(found, "an action sent with the row's key before the redraw must still find its row");
        assertEquals("a:1", found.id());
    }

    @Test
    void update_unchangedFiguresAndShares_sendsNoRow() {
        grid.setItems(rows.provider());
        List<BackendSample> idle = List.of(sample("a:1", 0), sample("b:1", 0));
        assertEquals(2, rows.update(idle, 0), "first draw: every row");
        assertEquals(0, rows.update(List.of(sample("a:1", 0), sample("b:1", 0)), 0), "nothing changed");
        assertEquals(1, rows.update(List.of(sample("a:1", 0), sample("b:1", 4)), 4), "only b's figures changed"
                + " (a's share stays 0)");
        assertEquals(3, rows.update(List.of(sample("a:1", 0), sample("b:1", 4), sample("c:1", 0)), 4),
                "a backend added: every row");
        assertEquals(3, rows.rows().size());
    }

    @Test
    void share_ofTheServicesRequests_followsTheLastUpdate() {
        rows.update(List.of(sample("a:1", 30), sample("b:1", 10)), 40);
        assertEquals(0.75, rows.share(sample("a:1", 0)), 1e-9);
        rows.update(List.of(sample("a:1", 0), sample("b:1", 0)), 0);
        assertEquals(0.0, rows.share(sample("a:1", 0)), 1e-9);
    }
}
