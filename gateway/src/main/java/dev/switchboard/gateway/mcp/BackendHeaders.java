package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.state.McpSession;
import java.util.HashMap;
import java.util.Map;

/** The MCP headers the gateway sends a function for a session: one place for requests, answers and streams. */
final class BackendHeaders {
    private BackendHeaders() {}

    /**
     * @param session the client's session
     * @param message the message to forward
     * @return its headers: 2026-07-28's standard headers for a function of that revision, else the session's
     *         version and the function's own session id (a stateful function); the caller's identity
     */
    static Map<String, String> forMessage(McpSession session, JsonNode message) {
        if (!McpVersions.MODERN.equals(session.backendVersion())) {
            return forSession(session);
        }
        JsonNode params = message.path("params");
        String name = params.path("name").isTextual()
                ? params.get("name").asText()
                : params.path("uri").isTextual() ? params.get("uri").asText() : null;
        Map<String, String> headers = modern(JsonRpc.method(message), name);
        headers.putAll(session.owner().functionHeaders());
        return headers;
    }

    /**
     * @param session a session of a session-based function
     * @return {@code MCP-Protocol-Version} (the version the function answered {@code initialize} with: a server on an
     *         older SDK refuses every later request that names a newer one), {@code Mcp-Session-Id} when the function
     *         issued one, and who the caller is (never their credentials)
     */
    static Map<String, String> forSession(McpSession session) {
        Map<String, String> headers = new HashMap<>();
        headers.put("MCP-Protocol-Version", functionVersion(session));
        headers.put("Mcp-Session-Id", session.backendSessionId());
        headers.putAll(session.owner().functionHeaders());
        return headers;
    }

    /**
     * @param session a session
     * @return the version the session's function negotiated at {@code initialize}; the client's until it did (an
     *         HTTP+SSE session before its {@code initialize})
     */
    static String functionVersion(McpSession session) {
        return session.backendVersion() != null ? session.backendVersion() : session.protocolVersion();
    }

    /** The standard request headers of 2026-07-28 ({@code streamable-http.mdx} "Standard Request Headers"). */
    static Map<String, String> modern(String method, String name) {
        Map<String, String> headers = new HashMap<>();
        headers.put("MCP-Protocol-Version", McpVersions.MODERN);
        headers.put("Mcp-Method", method);
        if (name != null) {
            headers.put("Mcp-Name", McpHeaderValues.encode(name));
        }
        return headers;
    }
}
