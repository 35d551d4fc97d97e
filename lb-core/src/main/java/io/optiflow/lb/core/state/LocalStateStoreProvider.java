package io.optiflow.lb.core.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code lb.state.store=local}: the data folder, one replica. Takes no settings. */
public final class LocalStateStoreProvider implements StateStoreProvider {

    static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> configErrors(Map<String, String> config) {
        List<String> errors = new ArrayList<>();
        for (String key : config.keySet()) {
            errors.add("lb.state.local." + key + ": unknown key (expected: none; the local store keeps its state in"
                    + " lb.data.dir)");
        }
        return errors;
    }

    @Override
    public StateStore open(StoreContext context) {
        return new LocalStateStore(context);
    }
}
