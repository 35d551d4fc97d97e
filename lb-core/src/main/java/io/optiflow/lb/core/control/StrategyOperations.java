package io.optiflow.lb.core.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.control.RuntimeState.ServiceState;
import io.optiflow.lb.core.control.RuntimeState.StrategyOverride;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.core.pool.StrategyInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strategy changes: a live switch (the new strategy is built and validated before anything changes; in-flight
 * counts carry over in the pool) and the reset to the configured strategy. Each change goes through the
 * {@link ChangeJournal}; a failure to save switches back.
 */
final class StrategyOperations {

    private final ServiceTable services;
    private final StrategyFactory strategies;
    private final ChangeJournal journal;
    private final ObjectMapper mapper;

    StrategyOperations(ServiceTable services, StrategyFactory strategies, ChangeJournal journal,
                       ObjectMapper mapper) {
        this.services = services;
        this.strategies = strategies;
        this.journal = journal;
        this.mapper = mapper;
    }

    ServiceView switchStrategy(String service, String strategy, Map<String, String> config, String ifMatch,
                               String actor) {
        AuditEntry entry;
        ServiceView view;
        synchronized (journal.lock) {
            ManagedService svc = services.require(service);
            journal.expect(service, ifMatch);
            Map<String, String> cfg = config == null ? Map.of() : new TreeMap<>(config);
            if (!strategies.isKnown(strategy)) {
                throw new AdminException(AdminException.Kind.INVALID, "strategy: '" + strategy
                        + "' (expected: one of " + strategies.names() + ")");
            }
            List<String> errors = new ArrayList<>();
            StrategyInstance next = strategies.build(strategy, cfg, svc.context(), errors);
            if (next == null) {
                throw new AdminException(AdminException.Kind.INVALID, errors);
            }
            RuntimeState state = journal.state();
            ServiceState st = state.service(service);
            StrategyInstance before = svc.pool().strategy();
            boolean beforeOverridden = svc.pool().strategyOverridden();
            RuntimeState after = state.with(service, st.withStrategy(new StrategyOverride(strategy, cfg)));
            entry = journal.entry(actor, "strategy.switch", service, json(before.name(), before.config()),
                    json(strategy, next.config()));
            journal.commit(service, after, entry, () -> apply(svc, next, true),
                    () -> rebuildAndSwitch(svc, before.name(), before.config(), beforeOverridden));
            view = svc.pool().view();
        }
        journal.published(entry);
        return view;
    }

    ServiceView resetStrategy(String service, String ifMatch, String actor) {
        AuditEntry entry;
        ServiceView view;
        synchronized (journal.lock) {
            ManagedService svc = services.require(service);
            journal.expect(service, ifMatch);
            RuntimeState state = journal.state();
            ServiceState st = state.service(service);
            if (st.strategy() == null) {
                return svc.pool().view(); // nothing overridden: nothing to do
            }
            ServiceSpec spec = svc.spec();
            StrategyInstance before = svc.pool().strategy();
            boolean beforeOverridden = svc.pool().strategyOverridden();
            RuntimeState after = state.with(service, st.withStrategy(null));
            entry = journal.entry(actor, "strategy.reset", service, json(before.name(), before.config()),
                    json(spec.strategy(), spec.strategyConfig()));
            if (!beforeOverridden) {
                // the override was not in force (its plug-in is gone): only the file changes
                journal.commit(service, after, entry, () -> { }, () -> { });
            } else {
                List<String> errors = new ArrayList<>();
                StrategyInstance next = strategies.build(spec.strategy(), spec.strategyConfig(), svc.context(),
                        errors);
                if (next == null) {
                    throw new AdminException(AdminException.Kind.INVALID,
                            StrategyFactory.prefixed("configured strategy: ", errors));
                }
                journal.commit(service, after, entry, () -> apply(svc, next, false),
                        () -> rebuildAndSwitch(svc, before.name(), before.config(), true));
            }
            view = svc.pool().view();
        }
        journal.published(entry);
        return view;
    }

    private static void apply(ManagedService svc, StrategyInstance next, boolean overridden) {
        try {
            svc.pool().switchStrategy(next, overridden);
        } catch (RuntimeException e) {
            StrategyFactory.closeQuietly(next);
            throw new AdminException(AdminException.Kind.INVALID, "strategy: '" + next.name()
                    + "' failed on its first update (" + e + ")");
        }
    }

    private void rebuildAndSwitch(ManagedService svc, String name, Map<String, String> config, boolean overridden) {
        List<String> errors = new ArrayList<>();
        StrategyInstance previous = strategies.build(name, config, svc.context(), errors);
        if (previous == null) {
            throw new IllegalStateException("cannot rebuild strategy " + name + ": " + errors);
        }
        svc.pool().switchStrategy(previous, overridden);
    }

    private String json(String name, Map<String, String> config) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", name);
        ObjectNode c = n.putObject("config");
        new TreeMap<>(config == null ? Map.<String, String>of() : config).forEach(c::put);
        return n.toString();
    }
}
