package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * One entry of an {@code InputRequiredResult.inputRequests} map (2026-07-28 {@code InputRequests}): a
 * server-to-client request without {@code jsonrpc} or {@code id}, under a key the server picks, plus the client
 * capability it needs and the check its answer must pass.
 *
 * @param capability the {@code ClientCapabilities} member the client must declare for this request
 */
record InputRequest(String key, String method, ObjectNode params, String capability) {

    private static final Set<String> ELICIT_ACTIONS = Set.of("accept", "decline", "cancel");

    /** A form-mode {@code elicitation/create}; {@code mode} is left out (optional, and unknown to 2025-06-18). */
    static InputRequest elicitation(String key, String message, ObjectNode requestedSchema) {
        ObjectNode params = Json.object().put("message", message);
        params.set("requestedSchema", requestedSchema);
        return new InputRequest(key, "elicitation/create", params, "elicitation");
    }

    /** A {@code sampling/createMessage} with a single user text message. */
    static InputRequest sampling(String key, String prompt, int maxTokens) {
        ObjectNode params = Json.object();
        ObjectNode message = params.putArray("messages").addObject().put("role", "user");
        message.putObject("content").put("type", "text").put("text", prompt);
        params.put("maxTokens", maxTokens);
        return new InputRequest(key, "sampling/createMessage", params, "sampling");
    }

    static InputRequest roots(String key) {
        return new InputRequest(key, "roots/list", Json.object(), "roots");
    }

    ObjectNode toJson() {
        ObjectNode request = Json.object().put("method", method);
        request.set("params", params);
        return request;
    }

    /**
     * Checks that an answer has the shape of this method's result ({@code ElicitResult}, {@code CreateMessageResult},
     * {@code ListRootsResult}); the spec wants malformed input responses answered with a JSON-RPC error.
     */
    void validate(JsonNode answer) {
        boolean valid = answer.isObject()
                && switch (method) {
                    case "elicitation/create" ->
                        answer.path("action").isTextual()
                                && ELICIT_ACTIONS.contains(answer.get("action").asText())
                                && (!answer.has("content")
                                        || answer.get("content").isObject());
                    case "sampling/createMessage" ->
                        answer.path("role").isTextual()
                                && (answer.path("content").isObject()
                                        || answer.path("content").isArray());
                    case "roots/list" -> answer.path("roots").isArray();
                    default -> false;
                };
        if (!valid) {
            throw McpException.invalidParams("inputResponses['" + key + "'] is not a valid result of " + method);
        }
    }
}
