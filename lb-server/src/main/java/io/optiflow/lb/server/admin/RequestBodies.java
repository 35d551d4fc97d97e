package io.optiflow.lb.server.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.optiflow.lb.api.Backend;
import io.optiflow.lb.core.control.AdminException;
import io.optiflow.lb.core.pool.AdminState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads admin request bodies strictly: unknown fields, wrong types and malformed JSON are refused with a message
 * that names the field and what was expected (Jackson's own messages speak Java, not JSON). Range and meaning are
 * checked by the control plane.
 */
final class RequestBodies {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String WEIGHT_EXPECTED = "an integer from " + Backend.MIN_WEIGHT + " to " + Backend.MAX_WEIGHT;

    private RequestBodies() {
    }

    record SwitchStrategy(String name, Map<String, String> config) {
    }

    record AddBackend(String url, Integer weight) {
    }

    record PatchBackend(Integer weight, AdminState state) {
    }

    record Register(String url, Integer weight, Long ttlMillis) {
    }

    static Register register(String body) {
        JsonNode o = object(body, "{\"url\": \"http://10.0.0.7:8080\", \"weight\": 1, \"ttl\": \"30s\"}");
        List<String> errors = new ArrayList<>();
        unknownFields(o, Set.of("url", "weight", "ttl"), errors);
        String url = text(o, "url", true, "a URL such as \"http://10.0.0.7:8080\"", errors);
        Integer weight = weight(o, errors);
        String ttlText = text(o, "ttl", false, "a duration such as \"30s\"", errors);
        Long ttl = null;
        if (ttlText != null) {
            try {
                ttl = io.optiflow.lb.api.spi.Durations.parseNanos(ttlText) / 1_000_000L;
            } catch (IllegalArgumentException e) {
                errors.add("ttl: \"" + ttlText + "\" (expected: a duration such as \"30s\", from 1s to 24h)");
            }
        }
        fail(errors);
        return new Register(url, weight, ttl);
    }

    static SwitchStrategy switchStrategy(String body) {
        JsonNode o = object(body, "{\"name\": \"round-robin\", \"config\": {}}");
        List<String> errors = new ArrayList<>();
        unknownFields(o, Set.of("name", "config"), errors);
        String name = text(o, "name", true, "a strategy name such as \"round-robin\" (see GET /api/v1/strategies)",
                errors);
        Map<String, String> config = new LinkedHashMap<>();
        JsonNode c = o.get("config");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                errors.add("config: " + c + " (expected: an object of attribute values, such as {\"choices\": 2})");
            } else {
                for (Map.Entry<String, JsonNode> e : c.properties()) {
                    JsonNode v = e.getValue();
                    if (v.isTextual() || v.isNumber() || v.isBoolean()) {
                        config.put(e.getKey(), v.asText());
                    } else {
                        errors.add("config." + e.getKey() + ": " + v + " (expected: a string, number or boolean)");
                    }
                }
            }
        }
        fail(errors);
        return new SwitchStrategy(name, config);
    }

    static AddBackend addBackend(String body) {
        JsonNode o = object(body, "{\"url\": \"http://10.0.0.7:8080\", \"weight\": 1}");
        List<String> errors = new ArrayList<>();
        unknownFields(o, Set.of("url", "weight"), errors);
        String url = text(o, "url", true, "a URL such as \"http://10.0.0.7:8080\"", errors);
        Integer weight = weight(o, errors);
        fail(errors);
        return new AddBackend(url, weight);
    }

    static PatchBackend patchBackend(String body) {
        JsonNode o = object(body, "{\"weight\": 3, \"state\": \"DRAINING\"}");
        List<String> errors = new ArrayList<>();
        unknownFields(o, Set.of("weight", "state"), errors);
        Integer weight = weight(o, errors);
        String stateText = text(o, "state", false, "one of ENABLED, DRAINING, DISABLED", errors);
        AdminState state = null;
        if (stateText != null) {
            try {
                state = AdminState.valueOf(stateText.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add("state: \"" + stateText + "\" (expected: one of ENABLED, DRAINING, DISABLED)");
            }
        }
        if (errors.isEmpty() && weight == null && state == null) {
            errors.add("body: no change given (expected: \"weight\" and/or \"state\", such as {\"state\": \"DRAINING\"})");
        }
        fail(errors);
        return new PatchBackend(weight, state);
    }

    private static JsonNode object(String body, String example) {
        if (body == null || body.isBlank()) {
            throw invalid("body: empty (expected: a JSON object such as " + example + ")");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw invalid("body: not valid JSON" + where + " (expected: a JSON object such as " + example + ")");
        }
        if (node == null || !node.isObject()) {
            throw invalid("body: " + abbreviate(String.valueOf(node)) + " (expected: a JSON object such as " + example
                    + ")");
        }
        return node;
    }

    private static void unknownFields(JsonNode o, Set<String> known, List<String> errors) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                errors.add(f + ": unknown field (expected: " + String.join(", ", known.stream().sorted().toList())
                        + ")");
            }
        }
    }

    private static String text(JsonNode o, String field, boolean required, String expected, List<String> errors) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(field + ": missing (expected: " + expected + ")");
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.add(field + ": " + abbreviate(v.toString()) + " (expected: " + expected + ")");
            return null;
        }
        return v.asText();
    }

    private static Integer weight(JsonNode o, List<String> errors) {
        JsonNode v = o.get("weight");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            errors.add("weight: " + abbreviate(v.toString()) + " (expected: " + WEIGHT_EXPECTED + ")");
            return null;
        }
        return v.intValue();
    }

    private static void fail(List<String> errors) {
        if (!errors.isEmpty()) {
            throw new AdminException(AdminException.Kind.INVALID, errors);
        }
    }

    private static AdminException invalid(String error) {
        return new AdminException(AdminException.Kind.INVALID, error);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
