package io.optiflow.lb.core.control;

import io.optiflow.lb.api.spi.Picker;
import io.optiflow.lb.api.spi.RandomSource;
import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.api.spi.Ticker;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.HealthPolicy;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.control.RuntimeState.ServiceState;
import io.optiflow.lb.core.control.RuntimeState.StrategyOverride;
import io.optiflow.lb.core.pool.BackendEntry;
import io.optiflow.lb.core.pool.DefaultServicePool;
import io.optiflow.lb.core.pool.StrategyInstance;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

/**
 * Turns the static config into services: validates every {@link ServiceSpec} (all errors at once, each naming the
 * key) and builds each service's pool with the saved overrides on top. Overrides that can't apply any more (a
 * strategy whose plug-in is gone, a backend no longer configured) are logged and kept in the file.
 */
final class ServiceFactory {

    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9][a-z0-9-_.]*");
    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final StrategyFactory strategies;
    private final Ticker ticker;
    private final RandomSource random;
    private final ScheduledExecutorService scheduler;

    ServiceFactory(StrategyFactory strategies, Ticker ticker, RandomSource random,
                   ScheduledExecutorService scheduler) {
        this.strategies = Objects.requireNonNull(strategies, "strategies");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.random = Objects.requireNonNull(random, "random");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Validates the static config.
     *
     * @return each service's configured backends by id, by service name
     * @throws AdminException (INVALID) listing every error
     */
    Map<String, Map<String, BackendSpec>> validate(List<ServiceSpec> specs) {
        List<String> errors = new ArrayList<>();
        Map<String, Map<String, BackendSpec>> configured = new TreeMap<>();
        for (ServiceSpec spec : specs) {
            validateSpec(spec, configured, errors);
        }
        if (!errors.isEmpty()) {
            throw new AdminException(AdminException.Kind.INVALID, errors);
        }
        return configured;
    }

    /**
     * Builds every service; on any failure closes what was built and throws.
     *
     * @throws AdminException (INVALID) when a provider parsed its config but failed to build
     */
    Map<String, ManagedService> buildAll(List<ServiceSpec> specs, Map<String, Map<String, BackendSpec>> configured,
                                         RuntimeState saved, String where) {
        for (String name : saved.services().keySet()) {
            if (!configured.containsKey(name)) {
                LOG.log(Level.WARNING, where + ": service '" + name + "' is not configured any more;"
                        + " its overrides are ignored (and kept in the state)");
            }
        }
        List<String> errors = new ArrayList<>();
        Map<String, ManagedService> built = new LinkedHashMap<>();
        try {
            for (ServiceSpec spec : specs) {
                built.put(spec.name(), build(spec, configured.get(spec.name()), saved.service(spec.name()),
                        where, errors));
            }
        } catch (RuntimeException e) {
            built.values().forEach(s -> s.pool().close());
            throw e;
        }
        if (!errors.isEmpty()) {
            built.values().forEach(s -> s.pool().close());
            throw new AdminException(AdminException.Kind.INVALID, errors);
        }
        return built;
    }

    private void validateSpec(ServiceSpec spec, Map<String, Map<String, BackendSpec>> configured,
                              List<String> errors) {
        if (spec == null || spec.name() == null) {
            errors.add("lb.services: a service without a name (expected: a name like 'orders')");
            return;
        }
        String p = "lb.services." + spec.name();
        if (!SERVICE_NAME.matcher(spec.name()).matches()) {
            errors.add(p + ": service name '" + spec.name() + "' (expected: [a-z0-9][a-z0-9-_.]*)");
        }
        if (configured.containsKey(spec.name())) {
            errors.add(p + ": service configured twice (expected: unique service names)");
            return;
        }
        Map<String, BackendSpec> byId = new LinkedHashMap<>();
        if (spec.backends() == null) {
            errors.add(p + ".backends: missing (expected: a list of http://host:port, possibly empty)");
        } else {
            for (BackendSpec b : spec.backends()) {
                if (b == null) {
                    errors.add(p + ".backends: an empty entry (expected: http://host:port)");
                } else if (byId.putIfAbsent(b.id(), b) != null) {
                    errors.add(p + ".backends: duplicate backend id '" + b.id() + "' (" + byId.get(b.id()).url()
                            + " and " + b.url() + "; expected: each host:port once)");
                }
            }
        }
        configured.put(spec.name(), byId);
        if (spec.health() != null) {
            validateHealth(p + ".health.", spec.health(), errors);
        }
        String strategy = spec.strategy();
        if (!strategies.isKnown(strategy)) {
            errors.add(p + ".strategy: '" + strategy + "' (expected: one of " + strategies.names() + ")");
        } else {
            errors.addAll(StrategyFactory.prefixed(p + ".strategy-config.",
                    strategies.configErrors(strategy, spec.strategyConfig())));
        }
    }

    private static void validateHealth(String p, HealthPolicy h, List<String> errors) {
        if (h.activeEnabled() && (h.path() == null || !h.path().startsWith("/"))) {
            errors.add(p + "path: '" + h.path() + "' (expected: a path starting with /)");
        }
        if (h.activeEnabled() && h.intervalNanos() <= 0) {
            errors.add(p + "interval: " + h.intervalNanos() + "ns (expected: > 0)");
        }
        if (h.activeEnabled() && h.timeoutNanos() <= 0) {
            errors.add(p + "timeout: " + h.timeoutNanos() + "ns (expected: > 0)");
        }
        if (h.rise() < 1) {
            errors.add(p + "rise: " + h.rise() + " (expected: >= 1)");
        }
        if (h.fall() < 1) {
            errors.add(p + "fall: " + h.fall() + " (expected: >= 1)");
        }
        if (h.consecutiveFailures() < 0) {
            errors.add(p + "consecutive-failures: " + h.consecutiveFailures() + " (expected: >= 0, 0 = off)");
        }
        if (h.consecutiveFailures() > 0 && h.baseEjectionNanos() <= 0) {
            errors.add(p + "base-ejection: " + h.baseEjectionNanos() + "ns (expected: > 0)");
        }
        if (h.consecutiveFailures() > 0 && h.maxEjectionNanos() < h.baseEjectionNanos()) {
            errors.add(p + "max-ejection: " + h.maxEjectionNanos() + "ns (expected: >= base-ejection, "
                    + h.baseEjectionNanos() + "ns)");
        }
        if (h.maxEjectedPercent() < 0 || h.maxEjectedPercent() > 100) {
            errors.add(p + "max-ejected-percent: " + h.maxEjectedPercent() + " (expected: 0..100)");
        }
    }

    private ManagedService build(ServiceSpec spec, Map<String, BackendSpec> configured, ServiceState st,
                                 String where, List<String> errors) {
        String name = spec.name();
        StrategyContext ctx = StrategyContext.of(name, ticker, random, scheduler);
        Chosen chosen = chooseStrategy(spec, st, ctx, where, errors);
        if (spec.discovery() == null) { // a discovered backend's overrides wait for it to be discovered
            warnAboutStaleOverrides(name, configured, st, where);
        }
        HealthPolicy health = spec.health() == null ? HealthPolicy.defaults() : spec.health();
        DefaultServicePool pool = new DefaultServicePool(name, health, spec.strategy(), chosen.instance(),
                chosen.overridden(), List.copyOf(entries(configured, st).values()), ticker, scheduler, scheduler,
                spec.slowStartNanos(), random);
        return new ManagedService(spec, configured, pool, ctx);
    }

    /** A strategy built for a service, and whether it is the override. */
    record Chosen(StrategyInstance instance, boolean overridden) {
    }

    /**
     * Builds the service's strategy: the override when there is one and it can be built (else a warning naming
     * {@code where}), otherwise the configured one. A configured strategy that fails to build adds to
     * {@code errors} and gives a picker that finds no backend.
     */
    Chosen chooseStrategy(ServiceSpec spec, ServiceState st, StrategyContext ctx, String where,
                          List<String> errors) {
        String name = spec.name();
        StrategyOverride o = st.strategy();
        if (o != null) {
            List<String> overrideErrors = new ArrayList<>();
            StrategyInstance instance = strategies.build(o.name(), o.config(), ctx, overrideErrors);
            if (instance != null) {
                return new Chosen(instance, true);
            }
            LOG.log(Level.WARNING, where + ": service '" + name + "': saved strategy override '"
                    + o.name() + "' cannot be used now (" + String.join("; ", overrideErrors) + "); using the"
                    + " configured strategy '" + spec.strategy() + "' (the override is kept in the state)");
        }
        List<String> buildErrors = new ArrayList<>();
        StrategyInstance instance = strategies.build(spec.strategy(), spec.strategyConfig(), ctx, buildErrors);
        if (instance == null) {
            errors.addAll(StrategyFactory.prefixed("lb.services." + name + ".strategy: ", buildErrors));
            instance = new StrategyInstance(spec.strategy(), spec.strategyConfig(), healthy -> Picker.NO_BACKEND);
        }
        return new Chosen(instance, false);
    }

    /** The pool entries the configured, added and registered backends and the overrides make, by id. */
    static Map<String, BackendEntry> entries(Map<String, BackendSpec> configured, ServiceState st) {
        Map<String, BackendSpec> bases = new TreeMap<>();
        for (BackendSpec b : configured.values()) {
            if (!st.removed().contains(b.id())) {
                bases.put(b.id(), b);
            }
        }
        bases.putAll(st.added()); // an added backend wins over a configured one of the same id
        Map<String, BackendEntry> entries = new TreeMap<>();
        for (BackendSpec b : bases.values()) {
            entries.put(b.id(), BackendOperations.entry(b, st.added().containsKey(b.id()),
                    st.backends().get(b.id())));
        }
        for (RuntimeState.Registration r : st.registrations().values()) {
            if (!entries.containsKey(r.spec().id())) { // expired ones leave at the next expiry sweep
                entries.put(r.spec().id(), BackendOperations.entry(r.spec(), BackendEntry.ORIGIN_REGISTRATION,
                        Map.of(), st.backends().get(r.spec().id())));
            }
        }
        return entries;
    }

    private static void warnAboutStaleOverrides(String name, Map<String, BackendSpec> configured, ServiceState st,
                                                String where) {
        for (String id : st.backends().keySet()) {
            if (!configured.containsKey(id) && !st.added().containsKey(id)) {
                LOG.log(Level.WARNING, where + ": service '" + name + "': override for unknown backend '"
                        + id + "' ignored (kept in the state)");
            }
        }
        for (String id : st.removed()) {
            if (!configured.containsKey(id)) {
                LOG.log(Level.WARNING, where + ": service '" + name + "': removed backend '" + id
                        + "' is not configured any more (kept in the state)");
            }
        }
    }
}
