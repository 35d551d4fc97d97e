package io.optiflow.lb.core.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds state stores through {@link ServiceLoader}; the highest priority wins a name clash. */
public final class StateStores {

    /** The default of {@code lb.state.store}. */
    public static final String LOCAL = LocalStateStoreProvider.NAME;

    private StateStores() {
    }

    /** Every available provider by name. */
    public static Map<String, StateStoreProvider> providers() {
        Map<String, StateStoreProvider> byName = new TreeMap<>();
        ServiceLoader<StateStoreProvider> loader = ServiceLoader.load(StateStoreProvider.class,
                StateStores.class.getClassLoader());
        for (var it = loader.iterator(); it.hasNext(); ) {
            StateStoreProvider p;
            try {
                p = it.next();
            } catch (ServiceConfigurationError e) {
                System.getLogger(StateStores.class.getName()).log(System.Logger.Level.WARNING,
                        "a state store provider cannot be loaded: " + e.getMessage());
                continue;
            }
            if (!p.isAvailable()) {
                continue;
            }
            StateStoreProvider other = byName.get(p.name());
            if (other == null || p.priority() > other.priority()) {
                byName.put(p.name(), p);
            }
        }
        return byName;
    }

    /**
     * Checks the choice and the store's settings.
     *
     * @param name   the value of {@code lb.state.store}
     * @param config the keys under {@code lb.state.<name>.}
     * @return one message per problem, naming the key; empty when the store can be opened
     */
    public static List<String> configErrors(String name, Map<String, String> config) {
        Map<String, StateStoreProvider> all = providers();
        StateStoreProvider p = all.get(name);
        if (p == null) {
            return List.of("lb.state.store: '" + name + "' (expected: one of " + String.join(", ", all.keySet())
                    + "; etcd and kubernetes need their modules on the class path)");
        }
        return new ArrayList<>(p.configErrors(config));
    }

    /**
     * Opens the store {@code name}.
     *
     * @throws IllegalArgumentException listing every problem of {@link #configErrors}
     */
    public static StateStore open(String name, StoreContext context) {
        List<String> errors = configErrors(name, context.config());
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return providers().get(name).open(context);
    }
}
