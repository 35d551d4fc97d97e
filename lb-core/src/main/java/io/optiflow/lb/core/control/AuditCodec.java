package io.optiflow.lb.core.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;

/** An audit entry as one JSON object: a line of {@code audit.jsonl}, an etcd value, a line in a ConfigMap. */
final class AuditCodec {

    private final ObjectMapper mapper;

    AuditCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode toNode(AuditEntry e) {
        ObjectNode n = mapper.createObjectNode();
        n.put("at", e.at().toString());
        n.put("actor", e.actor());
        n.put("action", e.action());
        n.put("target", e.target());
        n.put("before", e.before());
        n.put("after", e.after());
        if (e.replica() != null) {
            n.put("replica", e.replica());
        }
        return n;
    }

    String toLine(AuditEntry e) {
        return toNode(e).toString();
    }

    /** @throws IOException or IllegalArgumentException when the line is not an audit entry */
    AuditEntry fromLine(String line) throws IOException {
        return fromNode(mapper.readTree(line));
    }

    AuditEntry fromNode(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return new AuditEntry(Instant.parse(text(n, "at", true)), text(n, "actor", true), text(n, "action", true),
                text(n, "target", true), text(n, "before", false), text(n, "after", false),
                text(n, "replica", false));
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("no '" + field + "'");
            }
            return null;
        }
        return v.asText();
    }
}
