package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Adapts a function's response to what the client's revision understands. A session-based client cannot
 * answer a multi round-trip request ({@code resultType: input_required}, 2026-07-28): until the gateway
 * bridges those rounds, such a result becomes an error that says so.
 */
final class McpResults {
    private McpResults() {
    }

    static JsonNode forClient(JsonNode response, String protocolVersion) {
        boolean sessionBased = protocolVersion != null && !McpVersions.MODERN.equals(protocolVersion);
        if (sessionBased && "input_required".equals(response.path("result").path("resultType").asText())) {
            return JsonRpc.error(response.get("id"), JsonRpc.INTERNAL_ERROR,
                                 "the function asks the client for input (input_required); bridging such requests "
                                         + "to session-based clients is not implemented yet");
        }
        return response;
    }
}
