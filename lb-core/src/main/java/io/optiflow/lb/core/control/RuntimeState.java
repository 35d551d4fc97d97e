package io.optiflow.lb.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.pool.AdminState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The runtime overrides, as saved in {@code state.json}. Immutable: a change makes a new value, so rolling back is
 * keeping the old one. Services and backends that the static config no longer knows stay in here (and in the file)
 * until an operator changes them; they are only ignored when applied.
 */
record RuntimeState(Map<String, ServiceState> services) {

    static final int VERSION = 1;
    static final RuntimeState EMPTY = new RuntimeState(Map.of());

    RuntimeState {
        services = Collections.unmodifiableMap(new TreeMap<>(services));
    }

    /** A strategy override. */
    record StrategyOverride(String name, Map<String, String> config) {
        StrategyOverride {
            config = Collections.unmodifiableMap(new TreeMap<>(config == null ? Map.of() : config));
        }
    }

    /** A backend's weight and/or state override (null = not overridden). */
    record BackendOverride(Integer weight, AdminState state) {
        boolean isEmpty() {
            return weight == null && state == null;
        }
    }

    /**
     * A self-registered instance: a backend that stays while it renews within its TTL.
     *
     * @param id        registration id (what the instance renews and deregisters with)
     * @param spec      its URL and weight
     * @param ttlMillis time to live after each renewal
     * @param expiresAt when it leaves unless renewed (wall clock, so it holds across restarts)
     */
    record Registration(String id, BackendSpec spec, long ttlMillis, Instant expiresAt) {

        Registration renewed(Instant now) {
            return new Registration(id, spec, ttlMillis, now.plusMillis(ttlMillis));
        }
    }

    /**
     * Overrides of one service.
     *
     * @param strategy      strategy override or null
     * @param backends      weight/state overrides by backend id (discovered backends' too: they apply again when
     *                      the backend comes back)
     * @param added         backends added at runtime, by id
     * @param removed       ids of configured backends removed at runtime
     * @param registrations self-registered instances, by registration id
     */
    record ServiceState(StrategyOverride strategy, Map<String, BackendOverride> backends,
                        Map<String, BackendSpec> added, Set<String> removed, Map<String, Registration> registrations) {

        static final ServiceState EMPTY = new ServiceState(null, Map.of(), Map.of(), Set.of(), Map.of());

        ServiceState {
            backends = Collections.unmodifiableMap(new TreeMap<>(backends));
            added = Collections.unmodifiableMap(new TreeMap<>(added));
            removed = Collections.unmodifiableSet(new TreeSet<>(removed));
            registrations = Collections.unmodifiableMap(new TreeMap<>(registrations));
        }

        ServiceState(StrategyOverride strategy, Map<String, BackendOverride> backends, Map<String, BackendSpec> added,
                     Set<String> removed) {
            this(strategy, backends, added, removed, Map.of());
        }

        boolean isEmpty() {
            return strategy == null && backends.isEmpty() && added.isEmpty() && removed.isEmpty()
                    && registrations.isEmpty();
        }

        ServiceState withStrategy(StrategyOverride s) {
            return new ServiceState(s, backends, added, removed, registrations);
        }

        ServiceState withRegistration(Registration r) {
            Map<String, Registration> m = new TreeMap<>(registrations);
            m.put(r.id(), r);
            return new ServiceState(strategy, backends, added, removed, m);
        }

        ServiceState withoutRegistration(String id) {
            Map<String, Registration> m = new TreeMap<>(registrations);
            m.remove(id);
            return new ServiceState(strategy, backends, added, removed, m);
        }

        ServiceState withBackendOverride(String id, BackendOverride o) {
            Map<String, BackendOverride> m = new TreeMap<>(backends);
            if (o == null || o.isEmpty()) {
                m.remove(id);
            } else {
                m.put(id, o);
            }
            return new ServiceState(strategy, m, added, removed, registrations);
        }

        ServiceState withAdded(BackendSpec spec) {
            Map<String, BackendSpec> m = new TreeMap<>(added);
            m.put(spec.id(), spec);
            return new ServiceState(strategy, backends, m, removed, registrations);
        }

        ServiceState withoutAdded(String id) {
            Map<String, BackendSpec> m = new TreeMap<>(added);
            m.remove(id);
            return new ServiceState(strategy, backends, m, removed, registrations);
        }

        ServiceState withRemoved(String id) {
            Set<String> s = new TreeSet<>(removed);
            s.add(id);
            return new ServiceState(strategy, backends, added, s, registrations);
        }
    }

    ServiceState service(String name) {
        ServiceState s = services.get(name);
        return s == null ? ServiceState.EMPTY : s;
    }

    RuntimeState with(String name, ServiceState s) {
        Map<String, ServiceState> m = new TreeMap<>(services);
        if (s == null || s.isEmpty()) {
            m.remove(name);
        } else {
            m.put(name, s);
        }
        return new RuntimeState(m);
    }

    // ------------------------------------------------------------------ JSON

    byte[] toJson(ObjectMapper mapper) {
        try {
            return (mapper.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonNode(mapper)) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write runtime state as JSON", e);
        }
    }

    /** The document's root object; a shared store adds its revision and last change beside these fields. */
    ObjectNode toJsonNode(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("version", VERSION);
        ObjectNode svcs = root.putObject("services");
        for (Map.Entry<String, ServiceState> e : services.entrySet()) {
            ServiceState s = e.getValue();
            ObjectNode n = svcs.putObject(e.getKey());
            if (s.strategy() != null) {
                ObjectNode st = n.putObject("strategy");
                st.put("name", s.strategy().name());
                ObjectNode cfg = st.putObject("config");
                s.strategy().config().forEach(cfg::put);
            }
            if (!s.backends().isEmpty()) {
                ObjectNode b = n.putObject("backends");
                for (Map.Entry<String, BackendOverride> o : s.backends().entrySet()) {
                    ObjectNode on = b.putObject(o.getKey());
                    if (o.getValue().weight() != null) {
                        on.put("weight", o.getValue().weight());
                    }
                    if (o.getValue().state() != null) {
                        on.put("state", o.getValue().state().name());
                    }
                }
            }
            if (!s.added().isEmpty()) {
                ObjectNode a = n.putObject("added");
                for (Map.Entry<String, BackendSpec> o : s.added().entrySet()) {
                    ObjectNode an = a.putObject(o.getKey());
                    an.put("url", o.getValue().url());
                    an.put("weight", o.getValue().weight());
                }
            }
            if (!s.removed().isEmpty()) {
                ArrayNode r = n.putArray("removed");
                s.removed().forEach(r::add);
            }
            if (!s.registrations().isEmpty()) {
                ObjectNode regs = n.putObject("registrations");
                for (Registration r : s.registrations().values()) {
                    ObjectNode rn = regs.putObject(r.id());
                    rn.put("url", r.spec().url());
                    rn.put("weight", r.spec().weight());
                    rn.put("ttlMillis", r.ttlMillis());
                    rn.put("expiresAt", r.expiresAt().toString());
                }
            }
        }
        return root;
    }

    /**
     * Reads {@code state.json}.
     *
     * @throws IllegalArgumentException naming the JSON path and what was expected
     */
    static RuntimeState parse(ObjectMapper mapper, byte[] bytes) throws java.io.IOException {
        return parse(mapper.readTree(bytes));
    }

    /**
     * Reads the document's root object.
     *
     * @throws IllegalArgumentException naming the JSON path and what was expected
     */
    static RuntimeState parse(JsonNode root) {
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("empty file (expected: a JSON object)");
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("top level is " + root.getNodeType() + " (expected: a JSON object)");
        }
        JsonNode version = root.get("version");
        if (version != null && (!version.canConvertToInt() || version.asInt() > VERSION)) {
            throw new IllegalArgumentException("version: " + version + " (expected: " + VERSION
                    + " or lower; written by a newer release?)");
        }
        JsonNode svcs = root.get("services");
        if (svcs == null || svcs.isNull()) {
            return EMPTY;
        }
        object(svcs, "services");
        Map<String, ServiceState> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = svcs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), parseService("services." + e.getKey(), e.getValue()));
        }
        return new RuntimeState(out);
    }

    private static ServiceState parseService(String path, JsonNode n) {
        object(n, path);
        StrategyOverride strategy = null;
        JsonNode st = n.get("strategy");
        if (st != null && !st.isNull()) {
            object(st, path + ".strategy");
            JsonNode name = st.get("name");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw new IllegalArgumentException(path + ".strategy.name: " + name + " (expected: a strategy name)");
            }
            Map<String, String> cfg = new TreeMap<>();
            JsonNode c = st.get("config");
            if (c != null && !c.isNull()) {
                object(c, path + ".strategy.config");
                for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                        throw new IllegalArgumentException(path + ".strategy.config." + e.getKey() + ": "
                                + e.getValue() + " (expected: a text value)");
                    }
                    cfg.put(e.getKey(), e.getValue().asText());
                }
            }
            strategy = new StrategyOverride(name.asText(), cfg);
        }
        Map<String, BackendOverride> backends = new TreeMap<>();
        JsonNode b = n.get("backends");
        if (b != null && !b.isNull()) {
            object(b, path + ".backends");
            for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path + ".backends." + e.getKey();
                object(e.getValue(), p);
                Integer weight = null;
                JsonNode w = e.getValue().get("weight");
                if (w != null && !w.isNull()) {
                    weight = weight(w, p + ".weight");
                }
                AdminState state = null;
                JsonNode s = e.getValue().get("state");
                if (s != null && !s.isNull()) {
                    try {
                        state = AdminState.valueOf(s.asText());
                    } catch (IllegalArgumentException ex) {
                        throw new IllegalArgumentException(p + ".state: " + s
                                + " (expected: ENABLED, DRAINING or DISABLED)");
                    }
                }
                BackendOverride o = new BackendOverride(weight, state);
                if (!o.isEmpty()) {
                    backends.put(e.getKey(), o);
                }
            }
        }
        Map<String, BackendSpec> added = new TreeMap<>();
        JsonNode a = n.get("added");
        if (a != null && !a.isNull()) {
            object(a, path + ".added");
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path + ".added." + e.getKey();
                object(e.getValue(), p);
                JsonNode url = e.getValue().get("url");
                if (url == null || !url.isTextual()) {
                    throw new IllegalArgumentException(p + ".url: " + url + " (expected: http://host:port)");
                }
                BackendSpec spec;
                try {
                    spec = BackendSpec.parse(url.asText());
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(p + ".url: " + ex.getMessage());
                }
                JsonNode w = e.getValue().get("weight");
                if (w != null && !w.isNull()) {
                    spec = spec.withWeight(weight(w, p + ".weight"));
                }
                if (!spec.id().equals(e.getKey())) {
                    throw new IllegalArgumentException(p + ": url " + url.asText() + " has id " + spec.id()
                            + " (expected: the key to be the backend id host:port)");
                }
                added.put(spec.id(), spec);
            }
        }
        Set<String> removed = new TreeSet<>();
        JsonNode r = n.get("removed");
        if (r != null && !r.isNull()) {
            if (!r.isArray()) {
                throw new IllegalArgumentException(path + ".removed: " + r.getNodeType()
                        + " (expected: an array of backend ids)");
            }
            for (JsonNode id : r) {
                if (!id.isTextual()) {
                    throw new IllegalArgumentException(path + ".removed: " + id + " (expected: a backend id text)");
                }
                removed.add(id.asText());
            }
        }
        return new ServiceState(strategy, backends, added, removed, parseRegistrations(path, n.get("registrations")));
    }

    private static Map<String, Registration> parseRegistrations(String path, JsonNode regs) {
        Map<String, Registration> out = new TreeMap<>();
        if (regs == null || regs.isNull()) {
            return out;
        }
        object(regs, path + ".registrations");
        for (Iterator<Map.Entry<String, JsonNode>> it = regs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path + ".registrations." + e.getKey();
            JsonNode r = e.getValue();
            object(r, p);
            JsonNode url = r.get("url");
            if (url == null || !url.isTextual()) {
                throw new IllegalArgumentException(p + ".url: " + url + " (expected: http://host:port)");
            }
            BackendSpec spec;
            try {
                spec = BackendSpec.parse(url.asText());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(p + ".url: " + ex.getMessage());
            }
            JsonNode w = r.get("weight");
            if (w != null && !w.isNull()) {
                spec = spec.withWeight(weight(w, p + ".weight"));
            }
            JsonNode ttl = r.get("ttlMillis");
            if (ttl == null || !ttl.canConvertToLong() || ttl.asLong() <= 0) {
                throw new IllegalArgumentException(p + ".ttlMillis: " + ttl + " (expected: milliseconds > 0)");
            }
            JsonNode exp = r.get("expiresAt");
            Instant expiresAt;
            try {
                expiresAt = Instant.parse(exp == null ? "" : exp.asText());
            } catch (DateTimeParseException ex) {
                throw new IllegalArgumentException(p + ".expiresAt: " + exp + " (expected: an ISO-8601 instant)");
            }
            out.put(e.getKey(), new Registration(e.getKey(), spec, ttl.asLong(), expiresAt));
        }
        return out;
    }

    private static int weight(JsonNode w, String path) {
        if (!w.isIntegralNumber() || !w.canConvertToInt() || w.asInt() < 1 || w.asInt() > 10_000) {
            throw new IllegalArgumentException(path + ": " + w + " (expected: an integer from 1 to 10000)");
        }
        return w.asInt();
    }

    private static void object(JsonNode n, String path) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(path + ": " + n.getNodeType() + " (expected: a JSON object)");
        }
    }
}
