package dev.switchboard.gateway.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON form of {@link ConnectionInfo}, used by the admin API and the Redis directory. */
public final class ConnectionJson {
    private static final ObjectMapper MAPPER = dev.switchboard.registry.JsonMapper.MAPPER;

    private ConnectionJson() {}

    /**
     * @param c a connection
     * @return its JSON form
     */
    public static ObjectNode toJson(ConnectionInfo c) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", c.id());
        json.put("client_id", c.clientId());
        if (c.userId() == null) {
            json.putNull("user_id");
        } else {
            json.put("user_id", c.userId());
        }
        ObjectNode metadata = json.putObject("metadata");
        c.metadata().forEach(metadata::put);
        json.put("created_at", c.createdAt().toString());
        json.put("last_activity", c.lastActivity().toString());
        json.put("replica", c.replica());
        if (!c.topics().isEmpty()) {
            // only on topic streams: a plain stream's record stays as the seed API has it
            c.topics().forEach(json.putArray("topics")::add);
        }
        return json;
    }

    static String encode(ConnectionInfo c) {
        return dev.switchboard.gateway.http.Json.write(toJson(c));
    }

    private static List<String> topics(JsonNode array) {
        List<String> topics = new ArrayList<>();
        array.forEach(topic -> topics.add(topic.asText()));
        return topics;
    }

    static ConnectionInfo decode(String text) {
        try {
            JsonNode json = MAPPER.readTree(text);
            Map<String, String> metadata = new LinkedHashMap<>();
            json.path("metadata")
                    .properties()
                    .forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
            return new ConnectionInfo(
                    json.path("id").asText(),
                    json.path("client_id").asText(),
                    json.path("user_id").isNull() ? null : json.path("user_id").asText(),
                    metadata,
                    Instant.parse(json.path("created_at").asText()),
                    Instant.parse(json.path("last_activity").asText()),
                    json.path("replica").asText(),
                    topics(json.path("topics")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable connection record", e);
        }
    }
}
