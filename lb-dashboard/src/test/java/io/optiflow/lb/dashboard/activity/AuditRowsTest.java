package io.optiflow.lb.dashboard.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vaadin.flow.component.grid.Grid;
import io.optiflow.lb.core.control.AuditEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditRowsTest {

    private static AuditEntry entry(int second, String after) {
        return new AuditEntry(Instant.ofEpochSecond(1_800_000_000L + second), "admin", "strategy.switch", "demo",
                "{\"name\":\"round-robin\"}", after);
    }

    private final AuditRows rows = new AuditRows();
    private final Grid<AuditEntry> grid = new Grid<>();

    @Test
    void rowKey_afterANewerChangeArrives_stillLeadsToItsEntry() {
        grid.setItems(rows.provider());
        AuditEntry older = entry(1, "{\"name\":\"least-connections\"}");
        rows.update(List.of(older));
        String key = grid.getDataCommunicator().getKeyMapper().key(older); // the key the browser's Revert carries

        rows.update(List.of(entry(2, "{\"name\":\"random\"}"), older)); // a change made elsewhere meanwhile

        assertEquals(older, grid.getDataCommunicator().getKeyMapper().get(key),
                "a Revert clicked before the newer change arrived must still find its entry");
    }

    @Test
    void update_sameEntries_changesNothing() {
        List<AuditEntry> trail = List.of(entry(2, "{\"name\":\"random\"}"), entry(1, "{\"name\":\"p2c\"}"));
        assertTrue(rows.update(trail));
        assertFalse(rows.update(List.copyOf(trail)), "the same trail read again");
        assertTrue(rows.update(trail.subList(1, 2)));
    }
}
