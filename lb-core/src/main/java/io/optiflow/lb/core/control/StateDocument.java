package io.optiflow.lb.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The document a store holds: the runtime overrides, the revision (counts acknowledged changes, cluster-wide) and
 * the change that made it (so replicas that apply it can tell their listeners and show it in their audit trail).
 *
 * @param state    the overrides
 * @param revision 0 before the first change
 * @param change   the change that made this revision, or null
 */
record StateDocument(RuntimeState state, long revision, AuditEntry change) {

    static final StateDocument EMPTY = new StateDocument(RuntimeState.EMPTY, 0, null);

    byte[] encode(ObjectMapper mapper, AuditCodec codec) {
        ObjectNode root = state.toJsonNode(mapper);
        root.put("revision", revision);
        if (change != null) {
            root.set("change", codec.toNode(change));
        }
        try {
            return (mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write runtime state as JSON", e);
        }
    }

    /**
     * @throws IOException              when the bytes are not JSON
     * @throws IllegalArgumentException naming the JSON path and what was expected
     */
    static StateDocument decode(ObjectMapper mapper, AuditCodec codec, byte[] bytes) throws IOException {
        JsonNode root = mapper.readTree(bytes);
        RuntimeState state = RuntimeState.parse(root);
        JsonNode rev = root.get("revision");
        long revision = 0;
        if (rev != null && !rev.isNull()) {
            if (!rev.canConvertToLong() || rev.asLong() < 0) {
                throw new IllegalArgumentException("revision: " + rev + " (expected: a whole number >= 0)");
            }
            revision = rev.asLong();
        }
        JsonNode ch = root.get("change");
        AuditEntry change = null;
        if (ch != null && !ch.isNull()) {
            try {
                change = codec.fromNode(ch);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("change: " + e.getMessage() + " (expected: an audit entry)");
            }
        }
        return new StateDocument(state, revision, change);
    }
}
