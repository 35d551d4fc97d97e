package io.optiflow.lb.dashboard.service;

import com.vaadin.flow.data.provider.ListDataProvider;
import io.optiflow.lb.core.stats.BackendSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The backends grid's rows, one per backend id for the page's lifetime.
 *
 * <p>Why not {@code grid.setItems(sample.backends())} each second: a new data provider makes the grid forget every
 * row key, and a click or a weight typed into a row the browser drew before the redraw arrives with the old key,
 * which the grid then ignores without a word (a lost action; on a busy machine the window is hundreds of ms). Here
 * the provider stays, rows are identified by backend id, so a row keeps its key across redraws, and only rows
 * whose figures changed are sent again.
 */
final class BackendRows {

    private final List<BackendSample> rows = new ArrayList<>();
    private final Map<String, Double> shares = new HashMap<>();
    private final ListDataProvider<BackendSample> provider = new ListDataProvider<>(rows) {
        @Override
        public Object getId(BackendSample b) {
            return b.id();
        }
    };

    ListDataProvider<BackendSample> provider() {
        return provider;
    }

    List<BackendSample> rows() {
        return List.copyOf(rows);
    }

    /** The backend's share of the service's requests/s at the last update, 0..1. */
    double share(BackendSample b) {
        return shares.getOrDefault(b.id(), 0.0);
    }

    /**
     * Takes the backends of a new sample: refreshes the rows whose figures or share changed, or every row when the
     * set of backends changed.
     *
     * @param serviceRps the service's requests/s, for the shares
     * @return how many rows were sent again
     */
    int update(List<BackendSample> latest, double serviceRps) {
        boolean sameIds = sameIds(latest);
        int sent = 0;
        for (int i = 0; i < latest.size(); i++) {
            BackendSample b = latest.get(i);
            double share = serviceRps <= 0 ? 0 : b.requestsPerSecond() / serviceRps;
            Double before = shares.put(b.id(), share);
            if (sameIds && (!b.equals(rows.get(i)) || before == null || before != share)) {
                rows.set(i, b);
                provider.refreshItem(b);
                sent++;
            }
        }
        if (!sameIds) {
            rows.clear();
            rows.addAll(latest);
            shares.keySet().retainAll(latest.stream().map(BackendSample::id).toList());
            provider.refreshAll();
            return latest.size();
        }
        return sent;
    }

    private boolean sameIds(List<BackendSample> latest) {
        if (latest.size() != rows.size()) {
            return false;
        }
        for (int i = 0; i < latest.size(); i++) {
            if (!latest.get(i).id().equals(rows.get(i).id())) {
                return false;
            }
        }
        return true;
    }
}
