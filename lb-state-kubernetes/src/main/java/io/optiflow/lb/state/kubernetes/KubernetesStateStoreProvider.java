package io.optiflow.lb.state.kubernetes;

import io.optiflow.lb.core.state.StateStore;
import io.optiflow.lb.core.state.StateStoreProvider;
import io.optiflow.lb.core.state.StoreContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code lb.state.store=kubernetes}: the state shared through one ConfigMap (see docs/cluster.md). */
public final class KubernetesStateStoreProvider implements StateStoreProvider {

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public List<String> configErrors(Map<String, String> config) {
        List<String> errors = new ArrayList<>();
        KubernetesSettings.parse(config, errors);
        return errors;
    }

    @Override
    public StateStore open(StoreContext context) {
        List<String> errors = new ArrayList<>();
        KubernetesSettings settings = KubernetesSettings.parse(context.config(), errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new KubernetesStateStore(settings, context);
    }
}
