package io.optiflow.lb.core.control;

import io.optiflow.lb.core.control.RuntimeState.ServiceState;
import io.optiflow.lb.core.pool.BackendEntry;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.DefaultServicePool;
import io.optiflow.lb.core.pool.StrategyInstance;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes this replica's pools match a state another replica wrote: for each service whose overrides differ, the
 * strategy is rebuilt (the same build and checks as at start: an override this replica can't build leaves the
 * configured strategy, with a warning) and backends are put or removed one by one, so health, statistics and
 * in-flight counts of the backends that stay are kept.
 *
 * <p>Threading: called only under the {@link ChangeJournal#lock}, the one writer of every pool.
 */
final class RemoteStateApplier {

    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final ServiceTable services;
    private final ServiceFactory factory;
    private final String where;

    RemoteStateApplier(ServiceTable services, ServiceFactory factory, String where) {
        this.services = services;
        this.factory = factory;
        this.where = where;
    }

    void apply(RuntimeState before, RuntimeState after) {
        for (ManagedService svc : services.all()) {
            ServiceState was = before.service(svc.name());
            ServiceState now = after.service(svc.name());
            if (was.equals(now)) {
                continue;
            }
            try {
                if (!Objects.equals(was.strategy(), now.strategy())) {
                    applyStrategy(svc, now);
                }
                applyBackends(svc, now);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "service '" + svc.name() + "': the state from " + where + " could not be"
                        + " applied whole (" + e + "); the service keeps what was applied", e);
            }
        }
    }

    private void applyStrategy(ManagedService svc, ServiceState now) {
        List<String> errors = new ArrayList<>();
        ServiceFactory.Chosen chosen = factory.chooseStrategy(svc.spec(), now, svc.context(), where, errors);
        DefaultServicePool pool = svc.pool();
        StrategyInstance current = pool.strategy();
        if (!errors.isEmpty() || (current.name().equals(chosen.instance().name())
                && current.config().equals(chosen.instance().config())
                && pool.strategyOverridden() == chosen.overridden())) {
            StrategyFactory.closeQuietly(chosen.instance());
            return;
        }
        try {
            pool.switchStrategy(chosen.instance(), chosen.overridden());
        } catch (RuntimeException e) {
            StrategyFactory.closeQuietly(chosen.instance());
            throw e;
        }
    }

    private static boolean isDiscovered(String origin) {
        return !origin.equals(BackendEntry.ORIGIN_CONFIG) && !origin.equals(BackendEntry.ORIGIN_RUNTIME)
                && !origin.equals(BackendEntry.ORIGIN_REGISTRATION);
    }

    private static void applyBackends(ManagedService svc, ServiceState now) {
        DefaultServicePool pool = svc.pool();
        Map<String, BackendEntry> wanted = ServiceFactory.entries(svc.configured(), now);
        for (BackendView b : pool.view().backends()) {
            if (!wanted.containsKey(b.id()) && !isDiscovered(b.origin())) { // discovery owns its own
                pool.removeBackend(b.id());
            }
        }
        for (BackendEntry e : wanted.values()) {
            Optional<BackendEntry> have = pool.backend(e.backend().id());
            if (have.isEmpty() || !have.get().equals(e)) {
                pool.putBackend(e);
            }
        }
    }
}
