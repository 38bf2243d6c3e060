package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;

/**
 * What an MCP request's span says about it (OpenTelemetry's MCP conventions): the JSON-RPC method, the tool,
 * or prompt it names, and the gateway's session id. Never the arguments, results or any header: they
 * may hold the client's secrets.
 */
final class McpSpans {
    private McpSpans() {}

    /**
     * Describes the message on the current span (the request's server span; nothing when tracing is off).
     *
     * @param message   the message or batch received
     * @param sessionId the gateway's session id, or null
     */
    static void describe(JsonNode message, String sessionId) {
        Span span = Span.current();
        if (!span.isRecording()) {
            return;
        }
        if (sessionId != null) {
            span.setAttribute("mcp.session.id", sessionId);
        }
        if (message.isArray()) {
            span.setAttribute("mcp.method.name", "batch");
            span.updateName("batch");
            return;
        }
        String method = JsonRpc.method(message);
        if (method.isEmpty()) {
            // a response to a request of the function's: nothing names it
            return;
        }
        span.setAttribute("mcp.method.name", method);
        JsonNode params = message.path("params");
        String target = null;
        if (method.equals("tools/call") && params.path("name").isTextual()) {
            target = params.get("name").asText();
            span.setAttribute("gen_ai.tool.name", target);
            span.setAttribute("gen_ai.operation.name", "execute_tool");
        } else if (method.equals("prompts/get") && params.path("name").isTextual()) {
            target = params.get("name").asText();
            span.setAttribute("gen_ai.prompt.name", target);
        }
        // a resource's URI is left out: URIs may carry tokens
        if (JsonRpc.isRequest(message)) {
            span.setAttribute("jsonrpc.request.id", message.get("id").asText());
        }
        span.updateName(target == null ? method : method + " " + target);
    }
}
