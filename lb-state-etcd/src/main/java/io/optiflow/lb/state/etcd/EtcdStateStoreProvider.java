package io.optiflow.lb.state.etcd;

import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StateStoreProvider;
import io.optiflow.lb.core.state.StoreContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code lb.state.store=etcd}: the state shared through etcd v3 (see docs/cluster.md). */
public final class EtcdStateStoreProvider implements StateStoreProvider {

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public List<String> configErrors(Map<String, String> config) {
        List<String> errors = new ArrayList<>();
        EtcdSettings.parse(config, errors);
        return errors;
    }

    @Override
    public StateStore open(StoreContext context) {
        List<String> errors = new ArrayList<>();
        EtcdSettings settings = EtcdSettings.parse(context.config(), errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new EtcdStateStore(settings, context);
    }
}
