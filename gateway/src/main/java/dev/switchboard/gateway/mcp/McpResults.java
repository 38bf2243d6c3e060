package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Adapts a function's final response to what a session-based client's revision understands: the
 * 2026-07-28 {@code resultType} marker is dropped, since those revisions do not define it.
 */
final class McpResults {
    private McpResults() {}

    static JsonNode forClient(JsonNode response, String protocolVersion) {
        boolean sessionBased = protocolVersion != null && !McpVersions.MODERN.equals(protocolVersion);
        JsonNode result = response.get("result");
        if (sessionBased && result != null && result.isObject() && result.has("resultType")) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = response.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("result")).remove("resultType");
            return copy;
        }
        return response;
    }
}
