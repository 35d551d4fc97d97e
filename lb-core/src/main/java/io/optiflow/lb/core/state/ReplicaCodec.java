package io.optiflow.lb.core.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;

/** A replica's heartbeat as one JSON object, the same in every shared store. */
public final class ReplicaCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReplicaCodec() {
    }

    public static String encode(ReplicaStatus r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", r.id());
        n.put("address", r.address());
        n.put("lastSeen", r.lastSeen().toString());
        n.put("revision", r.revision());
        return n.toString();
    }

    /** @throws IllegalArgumentException when {@code json} is not a heartbeat */
    public static ReplicaStatus decode(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            return new ReplicaStatus(n.get("id").asText(), n.get("address").asText(),
                    Instant.parse(n.get("lastSeen").asText()), n.get("revision").asLong());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a replica heartbeat: " + json + " (" + e + ")", e);
        }
    }
}
