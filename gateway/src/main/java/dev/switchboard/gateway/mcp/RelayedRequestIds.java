package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The ids a client sees on requests a stateful function sent on its own standalone stream ({@link
 * BackendStreamRelay}). Each carries the function's own id, so the client's answer, posted to any replica, goes
 * back to the function with that id and no replica has to remember the mapping.
 */
final class RelayedRequestIds {
    /** Prefix of the minted ids: tells an answer to the function apart from one to the input bridge's requests. */
    static final String ID_PREFIX = "sbs-";

    private RelayedRequestIds() {}

    /** @return an id for the client that carries the function's own request id */
    static String mint(JsonNode backendId) {
        return ID_PREFIX
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(Json.write(backendId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param message a message a client posted
     * @return whether it answers a request relayed from a function's standalone stream
     */
    static boolean isRelayedAnswer(JsonNode message) {
        return JsonRpc.isResponse(message)
                && message.path("id").isTextual()
                && message.get("id").asText().startsWith(ID_PREFIX);
    }

    /**
     * @param answer the client's answer to a minted id
     * @return the same answer carrying the function's own request id
     * @throws McpException (400, invalid request) when the id does not decode
     */
    static JsonNode withBackendId(JsonNode answer) {
        String minted = answer.get("id").asText().substring(ID_PREFIX.length());
        ObjectNode copy = answer.deepCopy();
        try {
            copy.set(
                    "id",
                    Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(minted), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new McpException(
                    io.helidon.http.Status.BAD_REQUEST_400,
                    JsonRpc.INVALID_REQUEST,
                    "an answer to an unknown request id");
        }
        return copy;
    }
}
