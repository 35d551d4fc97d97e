package io.optiflow.lb.server.admin;

import io.optiflow.lb.api.spi.ConfigAttribute;
import io.optiflow.lb.core.control.AuditEntry;
import io.optiflow.lb.core.control.DiscoveryStatus;
import io.optiflow.lb.core.control.RegistrationView;
import io.optiflow.lb.core.pool.BackendView;
import io.optiflow.lb.core.pool.LatencySummary;
import io.optiflow.lb.core.pool.ServiceView;
import io.optiflow.lb.core.registry.StrategyDescriptor;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON shapes of the admin API: control-plane views mapped one to one, nothing computed here. Each is registered
 * for reflection, which Jackson uses, so a native image can serialize it too.
 */
final class AdminJson {

    private AdminJson() {
    }

    @Schema(description = "A strategy that can be switched to.")
    @RegisterForReflection
    record Strategy(
            @Schema(description = "Kebab-case name, used in PUT .../strategy", example = "round-robin") String name,
            String description,
            @Schema(description = "Provider priority; the highest wins a name clash") int priority,
            @Schema(description = "built-in, or the file name of the plug-in JAR it came from") String source,
            @Schema(description = "Config attributes it accepts") List<Attribute> config) {

        static Strategy of(StrategyDescriptor d) {
            List<Attribute> attrs = new ArrayList<>();
            for (ConfigAttribute a : d.schema().attributes()) {
                attrs.add(new Attribute(a.name(), a.type().name(), a.defaultValue(), a.description(), a.min(), a.max(),
                        a.allowed(), a.expected()));
            }
            return new Strategy(d.name(), d.description(), d.priority(), d.source(), attrs);
        }
    }

    @Schema(description = "One config attribute of a strategy.")
    @RegisterForReflection
    record Attribute(String name,
                     @Schema(description = "INT, LONG, DOUBLE, BOOLEAN, STRING, DURATION or ENUM") String type,
                     @Schema(description = "Default as text; null when optional without default") String defaultValue,
                     String description,
                     @Schema(description = "Inclusive lower bound (durations in nanoseconds); null for none") Double min,
                     @Schema(description = "Inclusive upper bound (durations in nanoseconds); null for none") Double max,
                     @Schema(description = "Accepted words of an ENUM") List<String> allowed,
                     @Schema(description = "The expected form, in words", example = "an integer from 1 to 16")
                     String expected) {
    }

    @Schema(description = "A service: its strategy and backends. 'overridden' lists values set at runtime.")
    @RegisterForReflection
    record Service(String name,
                   @Schema(description = "Strategy in force") String strategy,
                   @Schema(description = "Its config as given") Map<String, String> strategyConfig,
                   @Schema(description = "Statically configured strategy (what DELETE .../strategy goes back to)")
                   String configuredStrategy,
                   @Schema(description = "Values overridden at runtime: [] or [\"strategy\"]") List<String> overridden,
                   @Schema(description = "Live strategy switches since start-up") long strategySwitches,
                   List<Backend> backends,
                   @Schema(description = "Its discovery source's state; null for static backends only")
                   Discovery discovery) {

        static Service of(ServiceView v) {
            return of(v, null);
        }

        static Service of(ServiceView v, DiscoveryStatus d) {
            List<Backend> backends = new ArrayList<>(v.backends().size());
            for (BackendView b : v.backends()) {
                backends.add(Backend.of(b));
            }
            return new Service(v.name(), v.strategy(), new TreeMap<>(v.strategyConfig()), v.configuredStrategy(),
                    v.strategyOverridden() ? List.of("strategy") : List.of(), v.strategySwitches(), backends,
                    d == null ? null : Discovery.of(d));
        }
    }

    @Schema(description = "A service's discovery source: what it watches and how it is doing.")
    @RegisterForReflection
    record Discovery(@Schema(example = "dns") String type,
                     @Schema(description = "What it watches", example = "SRV _http._tcp.api @127.0.0.1:53")
                     String source,
                     @Schema(description = "ISO-8601 instant of the last usable answer; null before the first")
                     String lastSuccess,
                     @Schema(description = "The last problem; null when none yet") String lastError,
                     @Schema(description = "ISO-8601 instant of that problem") String lastErrorAt,
                     @Schema(description = "Problems since start-up") long errors,
                     @Schema(description = "Backends it gives now (the last good set)") int backends,
                     @Schema(description = "Whether the last attempt failed (the last good set is kept)")
                     boolean failing) {

        static Discovery of(DiscoveryStatus d) {
            return new Discovery(d.type(), d.source(), d.lastSuccess() == null ? null : d.lastSuccess().toString(),
                    d.lastError(), d.lastErrorAt() == null ? null : d.lastErrorAt().toString(), d.errors(),
                    d.backends(), d.failing());
        }
    }

    @Schema(description = "A self-registered instance.")
    @RegisterForReflection
    record Registration(@Schema(description = "Renew (PUT) and deregister (DELETE) with it") String id,
                        String service,
                        @Schema(example = "10.0.0.7:8080") String backendId,
                        @Schema(example = "http://10.0.0.7:8080") String url,
                        int weight,
                        @Schema(description = "Time to live after each renewal", example = "30s") String ttl,
                        @Schema(description = "ISO-8601 instant it leaves unless renewed") String expiresAt) {

        static Registration of(RegistrationView r) {
            return new Registration(r.id(), r.service(), r.backendId(), r.url(), r.weight(),
                    io.optiflow.lb.api.spi.Durations.format(r.ttlMillis() * 1_000_000L), r.expiresAt().toString());
        }
    }

    @Schema(description = "Register an instance.")
    @RegisterForReflection
    record Register(@Schema(required = true, example = "http://10.0.0.7:8080") String url,
                    @Schema(description = "1..10000, default 1", example = "1") Integer weight,
                    @Schema(description = "1s..24h, default 30s", example = "30s") String ttl) {
    }

    @Schema(description = "A backend of a service with its live figures.")
    @RegisterForReflection
    record Backend(@Schema(example = "127.0.0.1:8081", description = "host:port; URL-encode ':' in paths if your"
                           + " client insists, both forms work") String id,
                   @Schema(example = "http://127.0.0.1:8081") String url,
                   int weight,
                   @Schema(description = "ENABLED, DRAINING or DISABLED") String state,
                   @Schema(description = "config, runtime (added through the API), registration, or the discovery"
                           + " type: file, dns, kubernetes, consul") String origin,
                   @Schema(description = "Values overridden at runtime: subset of [\"weight\", \"state\"]")
                   List<String> overridden,
                   @Schema(description = "UP, DOWN or EJECTED") String health,
                   @Schema(description = "Requests in flight now") int inFlight,
                   @Schema(description = "Requests since start-up") long requests,
                   @Schema(description = "Failed requests since start-up") long errors,
                   @Schema(description = "Passive ejections since start-up") long ejections,
                   Latency latency,
                   @Schema(description = "Labels from its source, e.g. zone") Map<String, String> labels,
                   @Schema(description = "Share of its full traffic slow start lets it take now (100 = warm)")
                   int slowStartPercent,
                   @Schema(description = "It left its discovery source: no new requests, dropped once idle")
                   boolean leaving) {

        static Backend of(BackendView b) {
            List<String> overridden = new ArrayList<>(2);
            if (b.weightOverridden()) {
                overridden.add("weight");
            }
            if (b.stateOverridden()) {
                overridden.add("state");
            }
            return new Backend(b.id(), b.url(), b.weight(), b.state().name(), b.origin(), overridden,
                    b.health().name(), b.inFlight(), b.requests(), b.errors(), b.ejections(),
                    Latency.of(b.latency()), new TreeMap<>(b.labels()), b.slowStartPercent(), b.leaving());
        }
    }

    @Schema(description = "Latency of recent requests in milliseconds; null when there were none.")
    @RegisterForReflection
    record Latency(long count, Double meanMs, Double p50Ms, Double p90Ms, Double p99Ms) {

        static Latency of(LatencySummary l) {
            if (l == null) {
                return new Latency(0, null, null, null, null);
            }
            return new Latency(l.count(), num(l.meanMs()), num(l.p50Ms()), num(l.p90Ms()), num(l.p99Ms()));
        }

        private static Double num(double d) {
            return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
        }
    }

    @Schema(description = "One acknowledged change.")
    @RegisterForReflection
    record Audit(@Schema(description = "ISO-8601 instant") String at,
                 @Schema(description = "The authenticated user") String actor,
                 @Schema(example = "strategy.switch") String action,
                 @Schema(example = "web/127.0.0.1:8081") String target,
                 @Schema(description = "Value before; null when none") String before,
                 @Schema(description = "Value after; null when removed") String after,
                 @Schema(description = "Id of the replica that took the change (lb.state.replica-id)") String replica) {

        static Audit of(AuditEntry e) {
            return new Audit(e.at().toString(), e.actor(), e.action(), e.target(), e.before(), e.after(),
                    e.replica());
        }
    }

    @Schema(description = "A change refused because another replica or operator changed the service first; nothing"
            + " was changed. 'current' is the service as it is now: look at it and retry.")
    @RegisterForReflection
    record Conflict(@Schema(description = "What happened") List<String> errors,
                    @Schema(description = "The service now") Service current,
                    @Schema(description = "Its state tag now: send it as If-Match to retry") String tag) {
    }

    @Schema(description = "The state store and the replicas sharing it.")
    @RegisterForReflection
    record Cluster(@Schema(description = "local, etcd or kubernetes") String store,
                   @Schema(description = "Where it keeps the state") String location,
                   @Schema(description = "Whether other replicas share it") boolean shared,
                   @Schema(description = "Whether it answers; when not, this replica serves with its last state and"
                           + " refuses changes with 503") boolean available,
                   @Schema(description = "Since when it has (or has not) answered, ISO-8601") String since,
                   @Schema(description = "Why it does not answer; null when it does") String problem,
                   @Schema(description = "State revision this replica has applied") long revision,
                   @Schema(description = "This replica's id") String replica,
                   @Schema(description = "The replicas, as last heard from the store") List<Replica> replicas) {
    }

    @Schema(description = "One replica as the store last heard of it.")
    @RegisterForReflection
    record Replica(String id, String address,
                   @Schema(description = "Its last heartbeat, ISO-8601") String lastSeen,
                   @Schema(description = "The state revision it had applied then") long revision) {
    }

    @Schema(description = "Why a request was refused; nothing was changed.")
    @RegisterForReflection
    record Errors(@Schema(description = "Each names the field, the value and what was expected",
                          example = "[\"weight: 0 (expected: an integer from 1 to 10000)\"]") List<String> errors) {
    }

    // Request bodies, for the OpenAPI document only: bodies are read strictly by RequestBodies.

    @Schema(description = "Switch the strategy of a service.")
    @RegisterForReflection
    record SwitchStrategy(@Schema(required = true, example = "least-connections") String name,
                          @Schema(description = "Attribute values (strings, numbers or booleans); left out = defaults",
                                  example = "{\"choices\": 2}") Map<String, Object> config) {
    }

    @Schema(description = "Add a backend.")
    @RegisterForReflection
    record AddBackend(@Schema(required = true, example = "http://10.0.0.7:8080") String url,
                      @Schema(description = "1..10000, default 1", example = "3") Integer weight) {
    }

    @Schema(description = "Change a backend; give at least one field.")
    @RegisterForReflection
    record PatchBackend(@Schema(description = "1..10000", example = "5") Integer weight,
                        @Schema(description = "ENABLED, DRAINING or DISABLED", example = "DRAINING") String state) {
    }
}
