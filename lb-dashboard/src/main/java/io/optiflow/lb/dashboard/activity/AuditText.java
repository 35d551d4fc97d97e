package io.optiflow.lb.dashboard.activity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The audit trail's before/after values (JSON) as a person reads them, and a strategy value read back. */
final class AuditText {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditText() {
    }

    /** A strategy and its config, read from a {@code {"name":..,"config":{..}}} value. */
    record StrategyValue(String name, Map<String, String> config) {
    }

    static Optional<StrategyValue> strategy(String json) {
        JsonNode n = parse(json);
        if (n == null || !n.hasNonNull("name")) {
            return Optional.empty();
        }
        Map<String, String> config = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.path("config").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            config.put(f.getKey(), f.getValue().asText());
        }
        return Optional.of(new StrategyValue(n.get("name").asText(), config));
    }

    /** {@code least-connections}, {@code consistent-hash (replicas=200)}, {@code weight 3 · DRAINING}; raw else. */
    static String readable(String json) {
        if (json == null) {
            return "-";
        }
        Optional<StrategyValue> s = strategy(json);
        if (s.isPresent()) {
            List<String> kv = new ArrayList<>();
            s.get().config().forEach((k, v) -> kv.add(k + "=" + v));
            return s.get().name() + (kv.isEmpty() ? "" : " (" + String.join(", ", kv) + ")");
        }
        JsonNode n = parse(json);
        if (n != null && n.has("weight") && n.has("state")) {
            return "weight " + n.get("weight").asText() + " · " + n.get("state").asText();
        }
        return json;
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return n != null && n.isObject() ? n : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }
}
