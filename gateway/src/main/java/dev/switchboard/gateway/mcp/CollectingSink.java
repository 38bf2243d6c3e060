package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Keeps only the response of one request of a batch: a batch is answered with one JSON array, which has
 * no room for notifications, nor for requests to the client (input requests cannot be bridged there).
 */
final class CollectingSink implements McpRelay.Sink {
    private final JsonNode id;
    private JsonNode response;
    private boolean cancelled;

    CollectingSink(JsonNode id) {
        this.id = id;
    }

    @Override
    public void send(JsonNode message, boolean last) throws IOException {
        if (last) {
            response = message;
        } else if (JsonRpc.isRequest(message)) {
            response = JsonRpc.error(
                    id,
                    JsonRpc.INTERNAL_ERROR,
                    "the function needs client input, which cannot be asked inside a batch");
            throw new IOException("input requested inside a batch");
        }
    }

    /** No response for a cancelled request: the batch's answer leaves it out. */
    @Override
    public void cancelled() {
        cancelled = true;
    }

    /** @return the response to put in the batch's answer; empty for a cancelled request */
    java.util.Optional<JsonNode> response() {
        if (cancelled) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(
                response != null ? response : JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "no response"));
    }
}
