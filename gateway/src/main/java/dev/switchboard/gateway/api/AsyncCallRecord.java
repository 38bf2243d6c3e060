package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;

/**
 * Where an accepted async call's result goes, as recorded for the fleet ({@link LostAsyncCalls}).
 *
 * @param function  the function's name
 * @param streamKey the client's log, or null (a result for a topic only)
 * @param topic     the topic, or null
 */
record AsyncCallRecord(String function, String streamKey, String topic) {
    static String encode(String function, String streamKey, String topic) {
        ObjectNode json = Json.object();
        json.put("function", function);
        if (streamKey != null) {
            json.put("stream", streamKey);
        }
        if (topic != null) {
            json.put("topic", topic);
        }
        return Json.write(json);
    }

    /** @throws java.io.UncheckedIOException when the text is no JSON */
    static AsyncCallRecord decode(String text) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new AsyncCallRecord(
                json.path("function").asText(),
                json.path("stream").textValue(),
                json.path("topic").textValue());
    }
}
